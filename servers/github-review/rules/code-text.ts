/**
 * Small lexical helpers the rules share. They work line by line on source text of the C, JavaScript, Python,
 * Ruby and shell families: good enough to tell code from string contents, not a parser.
 */

export interface StringLiteral {
  quote: string;
  value: string;
  start: number;
  end: number;
  /** Interpolated expressions (`${x}` in JS templates, `#{x}` in Ruby, `{x}` in Python f-strings). */
  interpolations: string[];
  /** The identifier right before the literal (a tag such as `sql`, or `f` for a Python f-string). */
  prefix: string;
}

/** Whether `#` starts a comment in files with this path (Python, Ruby, shell, YAML, TOML...). */
export function hashComments(path: string): boolean {
  return /\.(py|rb|sh|bash|zsh|ya?ml|toml|pl|r|ex|exs|cfg|ini|conf|env)$|(^|\/)(Dockerfile|Makefile|Gemfile|Rakefile|\.env[^/]*)$/i.test(
    path,
  );
}

/** The string literals of one line (unterminated ones run to the end of the line). */
export function stringLiterals(line: string, opts: { hashComments?: boolean } = {}): StringLiteral[] {
  const out: StringLiteral[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '/' && line[i + 1] === '/' && !opts.hashComments) break; // a line comment
    if (ch === '#' && opts.hashComments) break;
    if (ch === '"' || ch === "'" || ch === '`') {
      // the tag before a template literal, allowing type arguments: sql<{ n: number }>`...`
      const prefixMatch = /([A-Za-z_$][\w$.]*)\s*(?:<(?:[^<>]|<[^<>]*>)*>)?\s*$/.exec(line.slice(0, i));
      const prefix = prefixMatch ? prefixMatch[1]! : '';
      const start = i;
      const interpolations: string[] = [];
      let value = '';
      i++;
      while (i < line.length && line[i] !== ch) {
        if (line[i] === '\\') {
          value += line.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (
          (ch === '`' && line[i] === '$' && line[i + 1] === '{') ||
          (ch === '"' && line[i] === '#' && line[i + 1] === '{')
        ) {
          let depth = 1;
          let j = i + 2;
          while (j < line.length && depth > 0) {
            if (line[j] === '{') depth++;
            else if (line[j] === '}') depth--;
            j++;
          }
          interpolations.push(line.slice(i + 2, j - 1));
          value += line.slice(i, j);
          i = j;
          continue;
        }
        value += line[i];
        i++;
      }
      if (/^[fF][rR]?$|^[rR][fF]$/.test(prefix) && ch !== '`') {
        for (const m of value.matchAll(/\{([^{}]+)\}/g)) interpolations.push(m[1]!);
      }
      out.push({ quote: ch, value, start, end: Math.min(i + 1, line.length), interpolations, prefix });
      i++;
      continue;
    }
    i++;
  }
  return out;
}

/** The line with string contents blanked (quotes kept) and interpolations kept: what the code itself says. */
export function codeOf(line: string, opts: { hashComments?: boolean } = {}): string {
  let out = '';
  let last = 0;
  for (const s of stringLiterals(line, opts)) {
    out +=
      line.slice(last, s.start) +
      s.quote +
      (s.interpolations.length ? ` ${s.interpolations.join(' ')} ` : '') +
      s.quote;
    last = s.end;
  }
  out += line.slice(last);
  const comment = opts.hashComments ? out.indexOf('#') : out.indexOf('//');
  return comment >= 0 ? out.slice(0, comment) : out;
}

/** Shannon entropy in bits per character. Random base64 is ~6, hex ~4, English words ~3-3.5. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Values that are obviously not real secrets: placeholders, examples, environment lookups. */
export function looksLikePlaceholder(value: string): boolean {
  const v = value.toLowerCase();
  return (
    v.length === 0 ||
    // the words people put where a password goes in examples
    /^(password|passwd|pass|pw|secret|changeme|postgres|root|admin|test|guest|user|pwd)$/.test(v) ||
    /^(x+|\*+|\.+|-+|0+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|%s|null|none|undefined|true|false)$/.test(
      v,
    ) ||
    /(example|placeholder|changeme|change_me|your[_-]|dummy|sample|redacted|xxxx|\*\*\*\*|fake|not[_-]?a[_-]?real|todo|replace[_-]?me|insert[_-]|test[_-]?(key|token|secret|password))/.test(
      v,
    ) ||
    /^(process\.env|os\.environ|env\(|getenv|config\.|settings\.)/.test(v)
  );
}
