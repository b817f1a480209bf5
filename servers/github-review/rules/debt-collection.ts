import type { DiffFile } from '../diff/diff-types.js';
import { fdcpaRule } from '../../../shared/compliance/fdcpa-rules.js';
import { defineRule, excerpt, type Finding } from './rule-types.js';
import { normalise, readableText } from './user-facing-text.js';

/**
 * Debt-collection wording in user-facing messages (FDCPA, 15 U.S.C. 1692; Regulation F, 12 CFR 1006), using
 * the rule ids and citations of shared/compliance/data/fdcpa_reg_f_rules.json. A file counts as a collection
 * message when its text talks about a debt (past due, balance owed, unpaid rent, collections...).
 *  - compliance/fdcpa-threat: threats of arrest, jail or criminal charges; of seizure, garnishment or liens;
 *    of suing; of telling an employer or family; of ruining credit; profane or abusive words; false claims of
 *    government or law-enforcement involvement. Negated statements ("will not result in arrest") pass.
 *  - compliance/fdcpa-disclosure: a new collection message without the "attempt to collect a debt" /
 *    "from a debt collector" disclosure, a change that deletes that disclosure, and a new collection email or
 *    text without an opt-out.
 * Applicability: the FDCPA covers third-party collectors (a property manager collecting after default can be
 * one); a landlord collecting its own rent usually is not, though state laws may reach it. Not legal advice.
 */
const DEBT_CONTEXT =
  /\b(past[- ]due|overdue|delinquen\w*|debts?|owe[sd]?|owing|outstanding balance|balance (?:due|owed|of)|unpaid (?:rent|balance|charges)|collections?|amount due|late (?:fees?|rent|payments?)|arrears)\b/;
const PAYMENT_REQUEST = /\b(pay|payment|remit|settle|paid)\b/;
const DISCLOSURE =
  /(attempt(?:ing)? to collect a debt|(?:communication|message|letter|email|e-mail|text|notice) (?:is )?from a debt collector|this is a debt collector)/;
const OPT_OUT =
  /\b(reply stop|text stop|send stop|stop to (?:opt out|unsubscribe|end|cancel)|unsubscribe|opt[- ]out|to stop receiving)\b/;
const NEGATION = /\b(not|never|no one|cannot|can't|won't|will not|does not|doesn't|without)\b/;

interface ThreatPattern {
  re: RegExp;
  ruleId: string;
  severity: 'error' | 'warning';
  what: string;
}

const THREATS: ThreatPattern[] = [
  { re: /\b(arrest(?:ed)?|jail|prison|imprison\w*|(?:arrest |bench )?warrants?|police|sheriff|criminal(?:ly)?(?: charges?| prosecution)?|prosecut\w*)\b/, ruleId: 'false_arrest_or_seizure_threat', severity: 'error', what: 'threatens arrest, jail or criminal action over a debt' },
  { re: /\b(garnish\w*|seiz(?:e|ed|ure)|repossess\w*|liens?|attach (?:your )?(?:wages|property|bank)|take your (?:car|wages|property|home|paycheck))\b/, ruleId: 'false_arrest_or_seizure_threat', severity: 'warning', what: 'threatens seizure, garnishment or a lien (lawful only if it can and will actually be done)' },
  { re: /\b(?:we will|we'll|we are going to|will be forced to|prepared to)\s+(?:immediately\s+)?(?:sue|take (?:legal|court) action|file (?:a )?(?:law)?suit|take you to court|pursue legal action)\b/, ruleId: 'threat_action_not_intended_or_illegal', severity: 'warning', what: 'threatens legal action (only lawful if it is intended and allowed, never on a time-barred debt)' },
  { re: /\b(?:tell|inform|notify|contact|call|alert)\s+your\s+(?:employer|boss|family|friends|neighbou?rs|co-?workers|landlord|relatives)\b/, ruleId: 'third_party_disclosure', severity: 'error', what: 'threatens to tell third parties about the debt' },
  { re: /\b(?:ruin|destroy|wreck)\s+your\s+(?:credit|reputation|life)\b/, ruleId: 'threat_violence_or_harm', severity: 'error', what: "threatens harm to the person's reputation or credit" },
  { re: /\b(deadbeats?|scum|loser|shit\w*|fuck\w*|damn\w*|bastards?|crooks?|thie(?:f|ves))\b/, ruleId: 'obscene_profane_language', severity: 'error', what: 'uses abusive or profane language' },
  { re: /\b(law enforcement|federal agency|government agency|department of justice|district attorney|the irs)\b/, ruleId: 'false_attorney_or_government', severity: 'warning', what: 'implies government or law-enforcement involvement' },
]; // prettier-ignore

function fileText(
  file: DiffFile,
  kinds: Array<'add' | 'del' | 'context'>,
): Array<{ line: number; side: 'LEFT' | 'RIGHT'; text: string; raw: string }> {
  // `text` is what the patterns read (markup and template variables removed); `raw` is the line as written,
  // which is what a finding quotes ("your balance of {{amount}} is", not "your balance of is")
  const out: Array<{ line: number; side: 'LEFT' | 'RIGHT'; text: string; raw: string }> = [];
  for (const h of file.hunks)
    for (const l of h.lines) {
      if (!kinds.includes(l.kind)) continue;
      const text = normalise(readableText(l.text, file.path));
      if (!text.trim()) continue;
      out.push(
        l.kind === 'del'
          ? { line: l.oldLine!, side: 'LEFT', text, raw: l.text }
          : { line: l.newLine!, side: 'RIGHT', text, raw: l.text },
      );
    }
  return out;
}

/** The first sentence of a rule's text, ending in exactly one period. */
export function firstSentence(text: string): string {
  return `${text.split('. ')[0]!.trim().replace(/\.+$/, '')}.`;
}

function isCollectionText(lines: Array<{ text: string }>): boolean {
  return lines.some((l) => DEBT_CONTEXT.test(l.text));
}

/** The threats in one line of reader-facing text (already normalised). */
export function threatsIn(text: string): ThreatPattern[] {
  const found: ThreatPattern[] = [];
  for (const t of THREATS) {
    const m = t.re.exec(text);
    if (!m) continue;
    // "will not result in arrest" is a reassurance; "if you do not pay we will have you arrested" is not
    const clause =
      text
        .slice(0, m.index)
        .split(/[.!?;,]/)
        .pop() ?? '';
    const near = clause.trim().split(/\s+/).slice(-4).join(' ');
    if (NEGATION.test(near) && !/\bif you\b/.test(near)) continue;
    found.push(t);
  }
  return found;
}

export const fdcpaThreatRule = defineRule({
  id: 'compliance/fdcpa-threat',
  title: 'Debt-collection threats and abusive wording',
  description:
    'In collection messages (past due, balance owed, unpaid rent...): threats of arrest, jail, criminal charges, seizure, garnishment, liens or lawsuits, telling employers or family, ruining credit, abusive words, false government involvement (FDCPA 1692d, 1692e).',
  defaultSeverity: 'error',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || !input.isUserFacing(file.path)) continue;
      const visible = fileText(file, ['add', 'context']);
      if (!isCollectionText(visible)) continue;
      for (const l of visible) {
        if (!file.hunks.some((h) => h.lines.some((x) => x.kind === 'add' && x.newLine === l.line))) continue;
        for (const t of threatsIn(l.text)) {
          const rule = fdcpaRule(t.ruleId);
          findings.push({
            ruleId: 'compliance/fdcpa-threat',
            severity: t.severity,
            path: file.path,
            line: l.line,
            side: 'RIGHT',
            message: `This collection message ${t.what}. FDCPA rule '${rule.id}': ${firstSentence(rule.rule)}`,
            evidence: excerpt(l.raw),
            cite: rule.cite,
          });
        }
      }
    }
    return findings;
  },
});

export const fdcpaDisclosureRule = defineRule({
  id: 'compliance/fdcpa-disclosure',
  title: 'Debt-collection disclosure and opt-out',
  description:
    'A new collection message that asks for payment without the "attempt to collect a debt" / "from a debt collector" disclosure, a change that removes that disclosure, or a new collection email/text without an opt-out (FDCPA 1692e(11); Reg F 1006.18(e), 1006.6(e)).',
  defaultSeverity: 'warning',
  check(input) {
    const findings: Finding[] = [];
    const miranda = fdcpaRule('mini_miranda');
    const optOut = fdcpaRule('electronic_opt_out');
    for (const file of input.files) {
      if (file.status === 'deleted' || !input.isUserFacing(file.path)) continue;
      const added = fileText(file, ['add']);
      const visible = fileText(file, ['add', 'context']);
      const removed = fileText(file, ['del']);
      const hasDisclosure = visible.some((l) => DISCLOSURE.test(l.text));
      const collection = isCollectionText(visible) && visible.some((l) => PAYMENT_REQUEST.test(l.text));
      const removedDisclosure = removed.find((l) => DISCLOSURE.test(l.text));
      if (removedDisclosure && !hasDisclosure) {
        findings.push({
          ruleId: 'compliance/fdcpa-disclosure',
          severity: 'warning',
          path: file.path,
          line: removedDisclosure.line,
          side: 'LEFT',
          message: `The change removes the debt-collector disclosure from this message. ${firstSentence(miranda.rule)}`,
          evidence: excerpt(removedDisclosure.raw),
          cite: miranda.cite,
        });
        continue;
      }
      if (file.status !== 'added' || !collection || !added.length) continue; // only a new file shows the whole message
      const first = added.find((l) => DEBT_CONTEXT.test(l.text)) ?? added[0]!;
      if (!hasDisclosure) {
        findings.push({
          ruleId: 'compliance/fdcpa-disclosure',
          severity: 'warning',
          path: file.path,
          line: first.line,
          side: 'RIGHT',
          message:
            'A new collection message asks for payment without saying it is from a debt collector / an attempt to collect a debt (required when the sender is a debt collector under the FDCPA).',
          evidence: excerpt(first.raw),
          cite: miranda.cite,
        });
      }
      const electronic = /(^|\/|[-_.])(sms|texts?|email|emails|mail|mailers?|push)([-_./]|$)|\.(mjml)$/i.test(
        file.path,
      );
      if (electronic && !visible.some((l) => OPT_OUT.test(l.text))) {
        findings.push({
          ruleId: 'compliance/fdcpa-disclosure',
          severity: 'warning',
          path: file.path,
          line: first.line,
          side: 'RIGHT',
          message:
            'A new collection email or text message without a way to opt out (e.g. "Reply STOP to opt out").',
          evidence: excerpt(first.raw),
          cite: optOut.cite,
        });
      }
    }
    return findings;
  },
});
