import { z } from 'zod';
import { addedLines } from '../diff/diff-types.js';
import { isCommentLine, isSourcePath, isTestPath } from '../diff/file-kinds.js';
import { defineRule, type Finding } from './rule-types.js';

/**
 * Source changes without test changes: at least `minSourceLines` added lines of code (not blank, not
 * comments, not in tests or generated files) and no test file added or modified in the same change.
 * One finding for the change, on the source file with the most added code.
 */
const options = z.object({ minSourceLines: z.number().int().min(1).max(10_000).default(10) });

export const testsMissingRule = defineRule({
  id: 'tests/missing',
  title: 'Source changed without tests',
  description:
    'The change adds code (default: 10 or more lines of source) but touches no test file. Configuration, documentation, templates and generated files do not count as source.',
  defaultSeverity: 'warning',
  options,
  check(input, opts) {
    if (input.files.some((f) => isTestPath(f.path) && f.status !== 'deleted')) return [];
    let total = 0;
    let top: { path: string; lines: number } | undefined;
    const sources: string[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || isTestPath(file.path) || !isSourcePath(file.path)) continue;
      if (/\.(sql|sh|bash)$/.test(file.path) || /(^|\/)(migrations?|scripts?)\//.test(file.path)) continue;
      const code = addedLines(file).filter((l) => l.text.trim() && !isCommentLine(l.text)).length;
      if (!code) continue;
      total += code;
      sources.push(file.path);
      if (!top || code > top.lines) top = { path: file.path, lines: code };
    }
    if (!top || total < opts.minSourceLines) return [];
    const finding: Finding = {
      ruleId: 'tests/missing',
      severity: 'warning',
      path: top.path,
      side: 'RIGHT',
      message: `${total} lines of source added in ${sources.length} file(s) (${sources.slice(0, 4).join(', ')}${sources.length > 4 ? ', …' : ''}) and no test changed. Add or update tests for the new behaviour.`,
    };
    return [finding];
  },
});
