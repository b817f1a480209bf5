import { addedLines } from '../diff/diff-types.js';
import { isDocPath, isTestPath } from '../diff/file-kinds.js';
import { hashComments, looksLikePlaceholder, shannonEntropy, stringLiterals } from './code-text.js';
import { defineRule, type Finding } from './rule-types.js';

/**
 * Secrets and keys in added lines: (1) known token formats, which are precise on their own; (2) a literal
 * assigned to a secret-sounding name (api_key, client_secret, password...) when it is long and random
 * enough (Shannon entropy) and not a placeholder; (3) connection URLs with an inline password.
 */
export const KNOWN_TOKENS: Array<{ name: string; pattern: RegExp }> = [
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/ },
  { name: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{40,255}\b/ },
  { name: 'Slack token', pattern: /\bxox[abposr]-[0-9A-Za-z-]{10,}\b/ },
  { name: 'Slack webhook URL', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/ },
  { name: 'Stripe secret key', pattern: /\b[sr]k_live_[0-9A-Za-z]{20,}\b/ },
  { name: 'Stripe test secret key', pattern: /\b[sr]k_test_[0-9A-Za-z]{20,}\b/ },
  { name: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'Anthropic API key', pattern: /\bsk-ant-[A-Za-z0-9]+-[A-Za-z0-9_-]{40,}/ },
  { name: 'OpenAI API key', pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b/ },
  { name: 'SendGrid API key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/ },
  { name: 'Twilio API key', pattern: /\bSK[0-9a-f]{32}\b/ },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: 'private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/ },
  { name: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/ },
]; // prettier-ignore

const SECRET_NAME =
  /(api[_-]?key|apikey|secret|token|passw(or)?d|passwd|pwd|private[_-]?key|access[_-]?key|auth[_-]?key|client[_-]?secret|signing[_-]?key|credentials?)$/i;
const NOT_SECRET_NAME =
  /(_?(name|type|url|uri|path|file|header|field|length|prefix|id|ttl|expiry|expires|count|env|var|label|hint))$/i;
const URL_WITH_PASSWORD =
  /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|ftp|smtps?):\/\/[^:/\s'"@]+:([^@\s'"/]+)@/i;

export function maskSecret(value: string): string {
  if (value.length <= 8) return '****';
  return `${value.slice(0, 4)}…(${value.length} chars)`;
}

/** Whether a literal looks like a real credential rather than a word, a path or a placeholder. */
export function looksRandom(value: string, isPassword: boolean): boolean {
  if (looksLikePlaceholder(value)) return false;
  if (/\s/.test(value) && !isPassword) return false;
  if (/^[a-z]+(?:[_. -][a-z]+)*$/i.test(value) && !isPassword) return false; // words
  if (/^(\.{0,2}\/|https?:\/\/)/.test(value)) return false; // paths and plain URLs
  const minLength = isPassword ? 8 : 16;
  if (value.length < minLength) return false;
  const entropy = shannonEntropy(value);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  return isPassword ? entropy >= 2.5 && classes >= 2 : entropy >= 3.5 && classes >= 2;
}

const NAMED_LITERAL =
  /(["']?)([A-Za-z_$][\w$.-]*)\1\s*(?::|=|:=|=>|\?\?=)\s*(?:[A-Za-z_$][\w$.]*\s*(?:\?\?|\|\|)\s*)?(?=["'`])/g;

export const secretsRule = defineRule({
  id: 'secrets/hardcoded',
  title: 'Secrets and keys in the change',
  description:
    'Known token formats (AWS, GitHub, Slack, Stripe, Google, Anthropic, OpenAI, SendGrid, Twilio, npm, private keys, JWTs), random-looking literals assigned to secret names, and connection URLs with a password. Placeholders, environment lookups and documentation examples are left alone.',
  defaultSeverity: 'error',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || file.binary) continue;
      const inTests = isTestPath(file.path);
      const inDocs = isDocPath(file.path);
      for (const { line, text } of addedLines(file)) {
        const known = KNOWN_TOKENS.find((t) => t.pattern.test(text));
        if (known) {
          const value = known.pattern.exec(text)![0];
          if (/example|EXAMPLE|0{12}|x{12}|X{12}/.test(value)) continue;
          const testKey = known.name.includes('test') || (inTests && known.name === 'JSON Web Token');
          findings.push({
            ruleId: 'secrets/hardcoded',
            severity: testKey ? 'warning' : 'error',
            path: file.path,
            line,
            side: 'RIGHT',
            message: `${known.name} in the change. Remove it, rotate it, and read it from the environment or a secret store.`,
            evidence: maskSecret(value),
          });
          continue;
        }
        const url = URL_WITH_PASSWORD.exec(text);
        if (
          url &&
          !looksLikePlaceholder(url[1]!) &&
          !/^\\?\$|^%|^\{/.test(url[1]!) &&
          url[1]!.length >= 4 &&
          !inDocs
        ) {
          findings.push({
            ruleId: 'secrets/hardcoded',
            severity: inTests ? 'warning' : 'error',
            path: file.path,
            line,
            side: 'RIGHT',
            message:
              'A connection URL with an inline password. Take the URL (or at least the password) from the environment.',
            evidence: maskSecret(url[1]!),
          });
          continue;
        }
        if (inTests || inDocs) continue;
        const literals = stringLiterals(text, { hashComments: hashComments(file.path) });
        for (const m of text.matchAll(NAMED_LITERAL)) {
          const name = m[2]!.split('.').pop()!;
          if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue;
          const lit = literals.find((l) => l.start === m.index! + m[0].length);
          if (!lit || lit.interpolations.length) continue;
          const isPassword = /pass|pwd/i.test(name);
          if (!looksRandom(lit.value, isPassword)) continue;
          findings.push({
            ruleId: 'secrets/hardcoded',
            severity: 'error',
            path: file.path,
            line,
            side: 'RIGHT',
            message: `A hard-coded value for '${name}' (entropy ${shannonEntropy(lit.value).toFixed(1)} bits/char). Read it from the environment or a secret store.`,
            evidence: maskSecret(lit.value),
          });
          break;
        }
        // .env-style and YAML lines: NAME=value / name: value without quotes
        const bare = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[=:]\s*([^\s'"#]+)\s*$/.exec(text);
        if (bare && /\.(env|ya?ml|properties|ini|cfg|conf|toml)$|(^|\/)\.env[^/]*$/i.test(file.path)) {
          const [, name, value] = bare;
          if (
            SECRET_NAME.test(name!) &&
            !NOT_SECRET_NAME.test(name!) &&
            looksRandom(value!, /pass|pwd/i.test(name!))
          ) {
            findings.push({
              ruleId: 'secrets/hardcoded',
              severity: 'error',
              path: file.path,
              line,
              side: 'RIGHT',
              message: `A hard-coded value for '${name}' in a configuration file. Keep secrets out of the repository.`,
              evidence: maskSecret(value!),
            });
          }
        }
      }
    }
    return findings;
  },
});

/**
 * The line with secrets replaced by `[redacted: kind]`: used wherever Sophia shows diff text (to a model, in
 * tool output, in resources), so a key leaked in a change is not copied further.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const t of KNOWN_TOKENS) {
    out = out.replace(new RegExp(t.pattern.source, 'g'), (m) =>
      /example|EXAMPLE/.test(m) ? m : `[redacted: ${t.name}]`,
    );
  }
  out = out.replace(new RegExp(URL_WITH_PASSWORD.source, 'gi'), (m, pw: string) =>
    looksLikePlaceholder(pw) || /^[$%{]/.test(pw) ? m : m.replace(`:${pw}@`, ':[redacted]@'),
  );
  const literals = stringLiterals(out);
  for (const m of out.matchAll(NAMED_LITERAL)) {
    const name = m[2]!.split('.').pop()!;
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue;
    const lit = literals.find((l) => l.start === m.index! + m[0].length);
    if (lit && !lit.interpolations.length && looksRandom(lit.value, /pass|pwd/i.test(name))) {
      return out.slice(0, lit.start + 1) + '[redacted]' + out.slice(lit.end - 1);
    }
  }
  return out;
}
