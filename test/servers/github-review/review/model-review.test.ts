import { describe, expect, it } from 'vitest';
import { LlmError, type Llm } from '../../../../shared/llm/llm.js';
import {
  anchorIssues,
  ModelAnswerError,
  parseModelAnswer,
} from '../../../../servers/github-review/review/model-review.js';
import { parseReviewConfig } from '../../../../servers/github-review/review/review-config.js';
import { heuristicEffort, reviewChanges } from '../../../../servers/github-review/review/review-changes.js';
import { changes, files, newFile } from '../support/diffs.js';

const answer = (issues: unknown[] = []) =>
  JSON.stringify({
    summary: 'Adds a thing.',
    effort: 3,
    keyIssues: issues,
    securityConcerns: [],
    testAssessment: 'none',
  });

describe('model answers', () => {
  it('reads JSON in a fence or with prose around it, coercing numbers', () => {
    expect(parseModelAnswer('Here you go:\n```json\n' + answer() + '\n```').effort).toBe(3);
    expect(
      parseModelAnswer(`Sure! ${answer([{ path: 'a.ts', startLine: '2', title: 't' }])} Done.`).keyIssues[0],
    ).toMatchObject({ startLine: 2, severity: 'warning', detail: '' });
  });

  it('rejects answers that are not a review, naming the problem', () => {
    expect(() => parseModelAnswer('LGTM')).toThrow(ModelAnswerError);
    expect(() => parseModelAnswer('{"summary": "x", "effort": 9}')).toThrow(/effort/);
    expect(() => parseModelAnswer('{"summary": "x", effort: 2}')).toThrow(/could not be parsed/);
  });

  it('anchors issues to added lines of changed files', () => {
    const f = files(newFile('src/a.ts', ['one', 'two', 'three']));
    const parsed = parseModelAnswer(
      answer([
        { path: 'src/a.ts', startLine: 2, endLine: 5, title: 'overlaps' },
        { path: 'src/a.ts', startLine: 7, title: 'outside' },
        { path: 'src/zzz.ts', startLine: 1, title: 'not in change' },
        { path: 'b/src/a.ts', startLine: 5, endLine: 3, title: 'reversed range' },
      ]),
    );
    expect(anchorIssues(parsed, f).map((i) => [i.title, i.path, i.endLine, i.anchored])).toEqual([
      ['overlaps', 'src/a.ts', 5, true],
      ['outside', 'src/a.ts', 7, false],
      ['not in change', 'src/zzz.ts', 1, false],
      ['reversed range', 'src/a.ts', 5, false],
    ]);
  });
});

describe('review with and without a model', () => {
  const set = changes(newFile('src/a.ts', ['const r = eval(input);', 'export default r;']));
  const config = parseReviewConfig(undefined);
  const fixed = (text: string): Llm => ({
    kind: 'anthropic',
    complete: async () => ({ text, model: 'claude-test' }),
  });

  it('uses the model answer when there is one', async () => {
    const r = await reviewChanges({
      changes: set,
      config,
      llm: fixed(answer([{ path: 'src/a.ts', startLine: 1, title: 'eval' }])),
      useModel: 'auto',
    });
    expect(r.model).toMatchObject({ used: true, kind: 'anthropic', name: 'claude-test' });
    expect(r.model.note).toContain('the Anthropic API');
    expect(r.issues[0]!.anchored).toBe(true);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['code/unsafe-exec']);
  });

  it('falls back to the rules and says why', async () => {
    const none = await reviewChanges({
      changes: set,
      config,
      llm: { kind: 'none', complete: async () => ({ text: '', model: '' }) },
      useModel: 'auto',
    });
    expect(none.model.note).toMatch(/No model was used: the client does not support MCP sampling/);
    const never = await reviewChanges({ changes: set, config, llm: fixed(answer()), useModel: 'never' });
    expect(never.model.note).toMatch(/useModel: never/);
    const failing: Llm = {
      kind: 'anthropic',
      complete: async () => Promise.reject(new LlmError('the Anthropic API failed (HTTP 529): overloaded')),
    };
    const failed = await reviewChanges({ changes: set, config, llm: failing, useModel: 'auto' });
    expect(failed.model).toMatchObject({ used: false });
    expect(failed.model.note).toMatch(/HTTP 529/);
    expect(failed.findings).toHaveLength(1);
    expect(failed.effortSource).toBe('heuristic');
  });

  it('estimates effort from size without a model', () => {
    expect(heuristicEffort(1, 10)).toBe(1);
    expect(heuristicEffort(5, 120)).toBe(2);
    expect(heuristicEffort(15, 400)).toBe(3);
    expect(heuristicEffort(40, 1200)).toBe(4);
    expect(heuristicEffort(80, 5000)).toBe(5);
  });
});
