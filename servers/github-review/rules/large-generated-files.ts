import { z } from 'zod';
import { addedLines } from '../diff/diff-types.js';
import { hasGeneratedMarker, isGeneratedPath, isLockfile } from '../diff/file-kinds.js';
import { defineRule, type Finding } from './rule-types.js';

/**
 * Large files (many added lines, or many bytes when the size is known, binary files included) and generated
 * or vendored files (build output, minified bundles, source maps, protobuf stubs, files marked
 * "Code generated ... DO NOT EDIT" / @generated). Lockfiles are expected to be generated and are left alone.
 */
/** Test snapshots are generated on purpose and reviewed as data: not "large files". */
const SNAPSHOT = /(\.snap|\.snapshot\.json)$|(^|\/)__snapshots__\//;

const largeOptions = z.object({
  maxLines: z.number().int().min(1).default(1000),
  maxBytes: z.number().int().min(1).default(1_000_000),
});

export const largeFilesRule = defineRule({
  id: 'files/large',
  title: 'Large files',
  description:
    'A file that adds more than maxLines lines (default 1000) or is bigger than maxBytes (default 1 MB, when the size is known).',
  defaultSeverity: 'warning',
  options: largeOptions,
  check(input, opts) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || isLockfile(file.path) || SNAPSHOT.test(file.path)) continue;
      const big = file.sizeBytes !== undefined && file.sizeBytes > opts.maxBytes;
      if (file.additions <= opts.maxLines && !big) continue;
      const what = big
        ? `${(file.sizeBytes! / 1_000_000).toFixed(1)} MB${file.binary ? ' binary' : ''}`
        : `${file.additions} added lines`;
      findings.push({
        ruleId: 'files/large',
        severity: 'warning',
        path: file.path,
        side: 'RIGHT',
        message: `${file.path} is large (${what}). Large files slow clones and hide changes from review: keep data out of the repository (Git LFS, object storage) or split the change.`,
      });
    }
    return findings;
  },
});

export const generatedFilesRule = defineRule({
  id: 'files/generated',
  title: 'Generated or vendored files',
  description:
    'Build output, minified bundles, source maps, generated stubs or files marked as generated, committed in the change. Lockfiles are not counted.',
  defaultSeverity: 'warning',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || isLockfile(file.path)) continue;
      const first = addedLines(file).slice(0, 5);
      const marked =
        file.status === 'added' &&
        first.length > 0 &&
        first[0]!.line <= 3 &&
        hasGeneratedMarker(first.map((l) => l.text));
      if (!isGeneratedPath(file.path) && !marked) continue;
      findings.push({
        ruleId: 'files/generated',
        severity: 'warning',
        path: file.path,
        side: 'RIGHT',
        message: marked
          ? `${file.path} says it is generated: commit the generator's input and build it, or mark the file as generated in .gitattributes (linguist-generated) so reviews skip it.`
          : `${file.path} looks like build output or vendored code: build it in CI instead of committing it, or ignore the path in .sophia-review.yml if it is deliberate.`,
      });
    }
    return findings;
  },
});
