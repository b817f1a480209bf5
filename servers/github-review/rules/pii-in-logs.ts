import { addedLines } from '../diff/diff-types.js';
import { isSourcePath, isTestPath } from '../diff/file-kinds.js';
import { codeOf, hashComments } from './code-text.js';
import { defineRule, excerpt, type Finding } from './rule-types.js';

/**
 * Personal data written to logs: a log call (console, logger, logging, print, fmt, Rails.logger...) whose
 * arguments carry a personal field (email, phone, SSN, date of birth, card or bank numbers, passwords, names,
 * street addresses) or a whole person object or request body. Only code counts, not the words of the log
 * message itself, and values passed through a mask/redact/hash function are left alone.
 */
const LOG_CALL =
  /(?:\bconsole\.(?:log|info|warn|error|debug|trace|dir|table)|(?:^|[^\w.])(?:this\.)?(?:logger|log|logging|LOG|LOGGER|Log|_logger|_log|Rails\.logger|slog|zap\.\w+\(\))\s*\.\s*(?:info|warn|warning|error|debug|trace|fatal|critical|exception|log|notice|verbose|Printf|Println|Print|Infof|Warnf|Errorf|Debugf)|\bprint|\bputs|\bpp|\bSystem\.(?:out|err)\.print(?:ln|f)?|\bfmt\.(?:Print|Printf|Println|Fprintf)|\blog\.(?:Print|Printf|Println|Fatal|Fatalf)|\berror_log|\bLogger\.(?:info|warn|error|debug))\s*\(/;

/** Personal fields, as sequences of identifier words (camelCase and snake_case are split into words). */
const PII_WORDS = [
  'email', 'e mail', 'phone', 'mobile', 'msisdn', 'ssn', 'social security', 'dob', 'date of birth', 'birth date',
  'birthdate', 'birthday', 'password', 'passwd', 'card number', 'credit card', 'cc number', 'cvv', 'cvc', 'iban',
  'account number', 'routing number', 'bank account', 'passport', 'driver license', 'drivers license', 'tax id',
  'full name', 'first name', 'last name', 'given name', 'surname', 'street', 'home address', 'street address',
  'mailing address', 'billing address', 'postal address', 'ip address',
]; // prettier-ignore

/** Derived, non-personal values: counts, flags, ids, templates, already-masked values. */
const NOT_PII_LAST_WORD = new Set(
  (
    'count sent verified enabled valid validated status template type kind id ids length hash hashed domain masked ' +
    'redacted provider config settings field fields label regex pattern format column key keys consent changed ' +
    'updated required policy reset error errors ok exists optin optout opt in out prefix suffix hint'
  ).split(' '),
);

export function identifierWords(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[_\s$]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Whether an identifier names a personal field (`userEmail`, `phone_number`) and not a derived value. */
export function isPiiIdentifier(id: string): boolean {
  const words = identifierWords(id);
  if (!words.length) return false;
  const joined = ` ${words.join(' ')} `;
  const hit = PII_WORDS.some((w) => joined.includes(` ${w} `) || joined.includes(` ${w}s `));
  if (!hit) return false;
  return !NOT_PII_LAST_WORD.has(words[words.length - 1]!);
}

const PERSON_OBJECT =
  /(?<![\w.$])(user|customer|resident|applicant|prospect|contact|renter|lessee|guest|patient|person|profile|req\.body|request\.body|ctx\.request\.body|request\.json|params|formData|form_data)(?![\w$]|\s*\.|\s*\[|\s*\?\.)/;

const MASKED =
  /(mask|redact|hash|anonymi[sz]e|obfuscate|sha256|sha1|digest|scrub|sanitize|sanitise|pseudonymi[sz]e)/i;

function identifiers(code: string): string[] {
  return [...code.matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => m[0]);
}

export function piiInLogCall(text: string, path: string): string | undefined {
  const opts = { hashComments: hashComments(path) };
  const code = codeOf(text, opts);
  const call = LOG_CALL.exec(code);
  if (!call) return undefined;
  const args = code.slice(call.index + call[0].length);
  if (MASKED.test(args)) return undefined;
  const pii = identifiers(args).find(isPiiIdentifier);
  if (pii) return pii;
  const whole = PERSON_OBJECT.exec(args);
  if (whole) return whole[1];
  return undefined;
}

export const piiInLogsRule = defineRule({
  id: 'pii/logged',
  title: 'Personal data written to logs',
  description:
    'Log and print calls whose arguments include personal fields (email, phone, SSN, date of birth, card/bank numbers, passwords, names, addresses) or whole person objects and request bodies. Masked or hashed values and words inside the log message are not flagged.',
  defaultSeverity: 'error',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || !isSourcePath(file.path) || isTestPath(file.path)) continue;
      for (const { line, text } of addedLines(file)) {
        const field = piiInLogCall(text, file.path);
        if (!field) continue;
        findings.push({
          ruleId: 'pii/logged',
          severity: 'error',
          path: file.path,
          line,
          side: 'RIGHT',
          message: `'${field}' is written to a log. Logs are kept, shipped and read widely: log an id or a masked value instead.`,
          evidence: excerpt(text),
          cite: 'GDPR Art. 5(1)(c) data minimisation; CCPA; PCI DSS 3.3 for card data',
        });
      }
    }
    return findings;
  },
});
