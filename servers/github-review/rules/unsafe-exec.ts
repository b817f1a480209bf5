import { addedLines } from '../diff/diff-types.js';
import { isCommentLine, isSourcePath, isTestPath } from '../diff/file-kinds.js';
import { codeOf, hashComments, stringLiterals } from './code-text.js';
import { defineRule, excerpt, type Finding } from './rule-types.js';

/**
 * Unsafe dynamic code and shell use: eval / new Function / string timers / vm, shell commands built from
 * values (child_process exec with interpolation or concatenation, `shell: true`, os.system, subprocess with
 * shell=True, Ruby backticks with interpolation, `sh -c` with a value), unsafe deserialisation (pickle,
 * yaml.load without a safe loader) and `curl | sh`. `execFile`/`spawn` with an argument array, RegExp
 * `.exec()` and database `.exec()` are not flagged.
 */
interface Pattern {
  what: string;
  /** Only for paths like these. */
  path?: RegExp;
  test: (code: string, raw: string) => boolean;
}

/** Whether the first argument of the call at `callIndex` is built from a value rather than a plain literal. */
export function hasDynamicArgument(raw: string, callIndex: number): boolean {
  const open = raw.indexOf('(', callIndex);
  if (open < 0) return false;
  const args = raw.slice(open + 1).trimStart();
  if (!args || args.startsWith(')')) return false;
  if (!/^['"`]/.test(args)) return true; // a variable or an expression
  const [first] = stringLiterals(args);
  if (!first) return false;
  return first.interpolations.length > 0 || /^\s*\+/.test(args.slice(first.end));
}

const PATTERNS: Pattern[] = [
  { what: 'eval() runs arbitrary code', test: (c) => /(?<![\w$.])eval\s*\(/.test(c) },
  { what: 'new Function() compiles arbitrary code', test: (c) => /\bnew\s+Function\s*\(/.test(c) },
  { what: 'a string passed to a timer is evaluated as code', test: (_c, r) => /\bset(?:Timeout|Interval)\s*\(\s*['"`]/.test(r) },
  { what: 'vm runs arbitrary code in this process', test: (c) => /\bvm\.(?:runInNewContext|runInThisContext|runInContext|compileFunction)\s*\(|\bnew\s+vm\.Script\s*\(/.test(c) },
  {
    what: 'a shell command built from a value (command injection)',
    test: (c, r) => {
      if (!/(?:(?<![\w$.])|\b(?:child_process|childProcess|cp|shell)\.)(?:exec|execSync)\s*\(/.test(c)) return false;
      const at = r.search(/(?:(?<![\w$.])|\b(?:child_process|childProcess|cp|shell)\.)(?:exec|execSync)\s*\(/);
      return at >= 0 && hasDynamicArgument(r, at);
    },
  },
  { what: "shell: true lets the shell interpret the command's arguments", test: (c) => /\bshell\s*:\s*true\b/.test(c) },
  { what: 'os.system/os.popen runs a shell command', path: /\.py$/, test: (c) => /\bos\.(?:system|popen)\s*\(/.test(c) },
  { what: 'subprocess with shell=True (command injection)', path: /\.py$/, test: (c) => /\bsubprocess\.\w+\s*\(.*\bshell\s*=\s*True\b/.test(c) },
  { what: 'exec() runs arbitrary Python code', path: /\.py$/, test: (c) => /(?<![\w$.])exec\s*\(/.test(c) },
  { what: 'pickle loads run code embedded in the data', path: /\.py$/, test: (c) => /\b(?:pickle|cPickle|dill)\.loads?\s*\(/.test(c) },
  { what: 'yaml.load without SafeLoader constructs arbitrary objects', path: /\.py$/, test: (c) => /\byaml\.load\s*\(/.test(c) && !/SafeLoader|CSafeLoader/.test(c) },
  { what: 'a shell command built from a value (sh -c)', test: (_c, r) => /\b(?:exec\.Command|spawn|execFile|Popen|run)\s*\(\s*\[?\s*["'](?:ba)?sh["']\s*,\s*(?:\[\s*)?["']-c["']\s*,\s*(?!["'][^"'+$]*["']\s*[,)\]])/.test(r) },
  { what: 'Ruby backticks/system with interpolation run a shell command built from a value', path: /\.(rb|rake)$|(^|\/)Rakefile$/, test: (_c, r) => /`[^`]*#\{[^}]+\}[^`]*`/.test(r) || /\b(?:system|%x)\s*\(?\s*"[^"]*#\{/.test(r) },
  { what: 'piping a download into a shell runs unreviewed code', path: /\.(sh|bash|zsh|ya?ml)$|(^|\/)(Dockerfile|Makefile)$/, test: (_c, r) => /\b(?:curl|wget)\b[^|#]*\|\s*(?:sudo\s+)?(?:ba|z)?sh\b/.test(r) },
  { what: 'eval in a shell script runs a string as code', path: /\.(sh|bash|zsh)$/, test: (_c, r) => /^\s*eval\s+["$]/.test(r) },
]; // prettier-ignore

export function unsafeExecIn(text: string, path: string): string | undefined {
  const code = codeOf(text, { hashComments: hashComments(path) });
  for (const p of PATTERNS) {
    if (p.path && !p.path.test(path)) continue;
    if (p.test(code, text)) return p.what;
  }
  return undefined;
}

export const unsafeExecRule = defineRule({
  id: 'code/unsafe-exec',
  title: 'Unsafe eval, shell or deserialisation',
  description:
    'eval/new Function/vm, shell commands built from values (exec with interpolation, shell: true, os.system, subprocess shell=True, sh -c), pickle and unsafe yaml.load, curl | sh. execFile/spawn with argument arrays and RegExp.exec are fine.',
  defaultSeverity: 'error',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted') continue;
      const shellScript = /\.(sh|bash|zsh)$|(^|\/)Dockerfile$|\.ya?ml$/.test(file.path);
      if (!isSourcePath(file.path) && !shellScript) continue;
      for (const { line, text } of addedLines(file)) {
        if (isCommentLine(text)) continue;
        const what = unsafeExecIn(text, file.path);
        if (!what) continue;
        findings.push({
          ruleId: 'code/unsafe-exec',
          severity: isTestPath(file.path) ? 'warning' : 'error',
          path: file.path,
          line,
          side: 'RIGHT',
          message: `${what}. Use an argument array (execFile/spawn without a shell), a parser, or a safe loader instead.`,
          evidence: excerpt(text),
          cite: 'CWE-78 / CWE-94 / CWE-502',
        });
      }
    }
    return findings;
  },
});
