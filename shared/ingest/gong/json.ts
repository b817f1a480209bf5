/**
 * JSON parsing that never rounds an id. `JSON.parse` turns an integer literal beyond 2^53 into a lossy
 * double (Gong ids are numeric strings of up to 20 digits; a typed Airbyte table may hold them as BIGINT and
 * `to_jsonb` prints them as bare numbers). `parseJsonLossless` quotes every integer literal that is not a
 * safe JS integer before parsing, so such values arrive as exact decimal strings; everything else is
 * plain JSON.parse. Pure; O(n) in the text.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

const DIGIT_MIN = 48; // '0'
const DIGIT_MAX = 57; // '9'

/** Rewrites bare integer literals with more than 15 significant digits that exceed 2^53 as JSON strings. */
export function quoteUnsafeIntegers(text: string): string {
  let out: string[] | undefined;
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 45 /* - */ || (c >= DIGIT_MIN && c <= DIGIT_MAX)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= DIGIT_MIN && d <= DIGIT_MAX) i++;
        else break;
      }
      // a fraction or exponent makes it a real number: leave it alone
      const next = text.charCodeAt(i);
      if (next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */) {
        while (i < n && /[0-9eE+\-.]/.test(text[i]!)) i++;
        continue;
      }
      const literal = text.slice(start, i);
      const digits = literal.startsWith('-') ? literal.length - 1 : literal.length;
      if (digits > 15 && !Number.isSafeInteger(Number(literal))) {
        out ??= [];
        out.push(text.slice(last, start), '"', literal, '"');
        last = i;
      }
      continue;
    }
    i++;
  }
  if (!out) return text;
  out.push(text.slice(last));
  return out.join('');
}
