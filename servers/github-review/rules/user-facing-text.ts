import { hashComments, stringLiterals } from './code-text.js';

/**
 * The words a reader sees on one line of a user-facing file: string literals of code and JSON/YAML files,
 * the text of markup and template files with tags, attributes and template expressions blanked. Blanking
 * (rather than deleting) keeps the words apart, so `class="bg-white">Residents` never reads as one sentence.
 */
const CODE = /\.(ts|tsx|js|jsx|mjs|cjs|py|rb|json|properties)$/i;

export function readableText(line: string, path: string): string {
  if (CODE.test(path)) {
    const lits = stringLiterals(line, { hashComments: hashComments(path) });
    // JSON and object literals: skip keys ("key": "value" keeps the value)
    return lits
      .filter((l) => !/^\s*:/.test(line.slice(l.end)))
      .map((l) => l.value.replace(/\$\{[^}]*\}|#\{[^}]*\}|\{\{[^}]*\}\}|\{[\w.]+\}/g, ' '))
      .join(' . ');
  }
  if (/\.ya?ml$/i.test(path)) {
    const m = /^\s*(?:-\s+)?(?:[\w.-]+\s*:\s*)?(.*)$/.exec(line);
    return (m?.[1] ?? '').replace(/^["']|["']$/g, '').replace(/\{\{[^}]*\}\}/g, ' ');
  }
  if (/\.(po|pot)$/i.test(path)) {
    return /^\s*msgstr/.test(line) || /^\s*msgid/.test(line)
      ? line.replace(/^\s*msg\w+\s*/, '').replace(/"/g, '')
      : '';
  }
  return line
    .replace(/<!--.*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' . ')
    .replace(/\{\{[^}]*\}\}|\{%[^%]*%\}|<%[^%]*%>|\$\{[^}]*\}|#\{[^}]*\}/g, ' ')
    .replace(/&nbsp;|&amp;|&[a-z]+;/g, ' ');
}

/** Lower-case, straight quotes, single spaces. */
export { normaliseText as normalise } from '../../../shared/compliance/fair-housing.js';

/** Splits text into sentences (the window the compliance rules look in). */
export function sentences(text: string): string[] {
  return text
    .split(/[.!?;:\n•|]+(?:\s|$)|\s\.\s/)
    .map((s) => s.trim())
    .filter(Boolean);
}
