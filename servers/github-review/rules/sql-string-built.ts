import type { DiffFile } from '../diff/diff-types.js';
import { isSourcePath, isTestPath } from '../diff/file-kinds.js';
import { hashComments, stringLiterals, type StringLiteral } from './code-text.js';
import { defineRule, excerpt, type Finding } from './rule-types.js';

/**
 * SQL built from strings: a SQL string literal that interpolates values (JS template `${}`, Python f-string,
 * Ruby `#{}`, `%s` formatting, `.format()`) or is concatenated with a variable. Tagged templates that bind
 * parameters (Kysely/slonik/postgres.js `sql```, Prisma `$queryRaw```) and placeholders (`$1`, `?`, `:name`)
 * are safe and not flagged; `sql.raw`, `$queryRawUnsafe` and friends with interpolation are.
 */
/** A select-list item: a column, `*`, a function call, with an optional alias. */
const COL = String.raw`(?:[\w."\x60*]+(?:\([^()]*\))?(?:\s+as\s+[\w"]+)?)`;
const SELECT = new RegExp(
  String.raw`\bselect\s+(?:distinct\s+)?(?:top\s+\d+\s+)?${COL}(?:\s*,\s*${COL})*\s+from\s+[\w."\x60$]`,
  'i',
);

const SQL_PATTERNS = [
  SELECT,
  /\binsert\s+into\s+[\w."`$]/i,
  /\bupdate\s+[\w."`$]+\s+set\s+\w/i,
  /\bdelete\s+from\s+[\w."`$]/i,
  /\b(?:where|and|or|having)\s+[\w."`]+\s*(?:=|<>|!=|<=|>=|<|>|\blike\b|\bilike\b|\bin\b)/i,
  /\b(?:order|group)\s+by\s+[\w."`]+(?:\s+(?:asc|desc)\b|\s*,|\s*$|\s+limit\b|\s+nulls\b)/i,
  /\b(?:drop|alter|truncate)\s+table\b/i,
];

export function looksLikeSql(text: string): boolean {
  return SQL_PATTERNS.some((p) => p.test(text));
}

const SAFE_TAGS = /(?:^|\.)(?:sql|SQL|\$queryRaw|\$executeRaw|gql|graphql)$|^sql\.(?:fragment|type|join)$/;
const CONSTANT = /^[A-Z][A-Z0-9_]*$|^\d+$/;

function concatenatedWithVariable(line: string, lit: StringLiteral): boolean {
  const after = line.slice(lit.end);
  const before = line.slice(0, lit.start);
  const next = /^\s*\+\s*([A-Za-z_$][\w$.]*)?/.exec(after);
  if (next) {
    if (!next[1]) return after.trim() === '+' || /^\s*\+\s*\(/.test(after) || /^\s*\+\s*\w+\(/.test(after); // continues on the next line or a call
    const root = next[1].split('.')[0]!;
    if (!CONSTANT.test(root) && !CONSTANT.test(next[1].split('.').pop()!)) return true;
  }
  const prev = /([A-Za-z_$][\w$.\])]*)\s*\+\s*$/.exec(before);
  if (prev && !/['"`]\s*\+\s*$/.test(before)) {
    const id = prev[1]!.replace(/[\])]+$/, '');
    if (!CONSTANT.test(id.split('.').pop()!)) return true;
  }
  if (/^\s*%\s*[(\w]/.test(after) && /%[sdr]|%\(\w+\)s/.test(lit.value)) return true; // Python % formatting
  if (/^\s*\.format\s*\(/.test(after)) return true;
  if (/(Sprintf|sprintf|String\.format|format)\s*\(\s*$/.test(before) && /%[sdvq]/.test(lit.value))
    return true;
  return false;
}

function interpolatesValues(lit: StringLiteral): boolean {
  if (!lit.interpolations.length) return false;
  if (lit.quote === '`' && SAFE_TAGS.test(lit.prefix)) return false;
  if (lit.quote !== '`' && !/^[fF]|^[rR][fF]$/.test(lit.prefix) && !lit.value.includes('#{')) return false;
  return lit.interpolations.some((e) => !safeInterpolation(e));
}

/**
 * Interpolations that cannot carry an injection: constants, numbers forced by Math/Number/parseInt/toFixed,
 * values passed through an escaping or identifier-quoting function, placeholder lists.
 */
export function safeInterpolation(expression: string): boolean {
  const e = expression.trim();
  return (
    CONSTANT.test(e) ||
    /^(?:Math\.\w+|Number|parseInt|parseFloat|Number\.parseInt|Number\.parseFloat)\s*\(/.test(e) ||
    /\.toFixed\s*\(\s*\d*\s*\)$/.test(e) ||
    /^(?:\w*[qQ]uote\w*|\w*[eE]scape\w*|\w+\.(?:escape\w*|quote\w*|lit|ref|id|literal|identifier))\s*\(/.test(
      e,
    ) ||
    /^(?:placeholders|\w*Placeholders|columns|\w*Columns)$/i.test(e)
  );
}

interface NewSideLine {
  line: number;
  text: string;
  added: boolean;
}

function newSide(file: DiffFile): NewSideLine[][] {
  return file.hunks.map((h) =>
    h.lines
      .filter((l) => l.kind !== 'del')
      .map((l) => ({ line: l.newLine!, text: l.text, added: l.kind === 'add' })),
  );
}

/** Spans of multi-line string literals in a block of code: JS template literals and Python f"""...""". */
export function multiLineStrings(
  text: string,
): Array<{ start: number; end: number; tag: string; kind: 'template' | 'fstring' }> {
  const spans: Array<{ start: number; end: number; tag: string; kind: 'template' | 'fstring' }> = [];
  for (const m of text.matchAll(/(?<![\w])([fF][rR]?|[rR][fF])("""|''')([\s\S]*?)\2/g)) {
    spans.push({ start: m.index!, end: m.index! + m[0].length, tag: m[1]!, kind: 'fstring' });
  }
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (ch === '`') {
      const tag =
        /([A-Za-z_$][\w$.]*)\s*(?:<(?:[^<>]|<[^<>]*>)*>)?\s*$/.exec(
          text.slice(Math.max(0, i - 600), i),
        )?.[1] ?? '';
      let j = i + 1;
      let depth = 0;
      while (j < text.length) {
        const c = text[j]!;
        if (c === '\\') {
          j += 2;
          continue;
        }
        if (depth === 0 && c === '`') break;
        if (c === '$' && text[j + 1] === '{') {
          depth++;
          j += 2;
          continue;
        }
        if (depth > 0 && c === '}') depth--;
        j++;
      }
      spans.push({ start: i, end: Math.min(j + 1, text.length), tag, kind: 'template' });
      i = j + 1;
    } else i++;
  }
  return spans.filter((s) => text.slice(s.start, s.end).includes('\n'));
}

function multiLineFindings(lines: NewSideLine[]): number[] {
  const flagged: number[] = [];
  const text = lines.map((l) => l.text).join('\n');
  const lineStarts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    lineStarts.push(offset);
    offset += l.text.length + 1;
  }
  const lineAt = (pos: number): number => {
    let k = 0;
    while (k + 1 < lineStarts.length && lineStarts[k + 1]! <= pos) k++;
    return k;
  };
  for (const span of multiLineStrings(text)) {
    const body = text.slice(span.start, span.end);
    if (span.kind === 'template' && SAFE_TAGS.test(span.tag)) continue;
    if (!looksLikeSql(body)) continue;
    const interpolation = span.kind === 'template' ? /\$\{/g : /\{[^{}\n]+\}/g;
    for (const m of body.matchAll(interpolation)) {
      const at = lines[lineAt(span.start + m.index!)]!;
      if (at.added) {
        flagged.push(at.line);
        break;
      }
    }
  }
  return flagged;
}

export const sqlStringBuiltRule = defineRule({
  id: 'sql/string-built',
  title: 'SQL built by concatenation or interpolation',
  description:
    'SQL text that splices values in with +, template/f-string interpolation, % or .format(), or raw escape hatches (sql.raw, $queryRawUnsafe). Parameterised queries and parameter-binding tagged templates are not flagged.',
  defaultSeverity: 'error',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || !isSourcePath(file.path) || /\.sql$/i.test(file.path)) continue;
      const opts = { hashComments: hashComments(file.path) };
      const lines = new Set<number>();
      for (const block of newSide(file)) {
        for (const l of block) {
          if (!l.added) continue;
          for (const lit of stringLiterals(l.text, opts)) {
            if (!looksLikeSql(lit.value)) continue;
            if (interpolatesValues(lit) || concatenatedWithVariable(l.text, lit)) lines.add(l.line);
          }
          const raw =
            /\b(?:sql\.raw|sql\.unsafe|\$queryRawUnsafe|\$executeRawUnsafe|knex\.raw|\.raw)\s*\(\s*(`[^`]*`?)/.exec(
              l.text,
            );
          if (raw) {
            const [lit] = stringLiterals(raw[1]!, opts);
            if (lit?.interpolations.some((e) => !safeInterpolation(e))) lines.add(l.line);
          }
        }
        for (const line of multiLineFindings(block)) lines.add(line);
      }
      const added = new Map(
        file.hunks.flatMap((h) =>
          h.lines.filter((l) => l.kind === 'add').map((l) => [l.newLine!, l.text] as const),
        ),
      );
      for (const line of [...lines].sort((a, b) => a - b)) {
        findings.push({
          ruleId: 'sql/string-built',
          severity: isTestPath(file.path) ? 'warning' : 'error',
          path: file.path,
          line,
          side: 'RIGHT',
          message:
            'SQL is built from strings with a value spliced in: pass values as bound parameters ($1, ?, :name or a parameter-binding sql`` tag).',
          evidence: excerpt(added.get(line) ?? ''),
          cite: 'CWE-89; OWASP Top 10 A03:2021 Injection',
        });
      }
    }
    return findings;
  },
});
