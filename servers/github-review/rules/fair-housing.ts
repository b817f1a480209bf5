import { addedLines } from '../diff/diff-types.js';
import { fairHousingHits } from '../../../shared/compliance/fair-housing.js';
import { defineRule, excerpt, type Finding } from './rule-types.js';
import { readableText } from './user-facing-text.js';

/**
 * Fair Housing Act advertising language in user-facing text (listings, templates, emails, messages); the
 * matcher and its lexicon live in shared/compliance/fair-housing.ts (one lexicon for review, calls and Slack).
 */
export const fairHousingRule = defineRule({
  id: 'compliance/fair-housing',
  title: 'Fair Housing advertising language',
  description:
    "HUD's discriminatory-preference terms in text residents or prospects read (templates, listings, emails, messages). Ambiguous words need a person/area noun or a preference nearby; HUD's 'ok' phrases (master bedroom, family room, walk-in closets...) are never flagged.",
  defaultSeverity: 'error',
  check(input) {
    const findings: Finding[] = [];
    for (const file of input.files) {
      if (file.status === 'deleted' || !input.isUserFacing(file.path)) continue;
      for (const { line, text } of addedLines(file)) {
        const readable = readableText(text, file.path);
        if (!readable.trim()) continue;
        for (const hit of fairHousingHits(readable)) {
          const t = hit.term;
          const severity = t.verdict === 'flag' ? 'error' : 'warning';
          const why =
            t.verdict === 'flag_if_state_law'
              ? "source of income is protected by many states and cities (not by the federal Act): check the property's jurisdiction"
              : t.verdict === 'context'
                ? `read in context it may state a preference or limitation based on ${t.protected_class.replace(/_/g, ' ')}`
                : `it may indicate a preference, limitation or discrimination based on ${t.protected_class.replace(/_/g, ' ')}`;
          findings.push({
            ruleId: 'compliance/fair-housing',
            severity,
            path: file.path,
            line,
            side: 'RIGHT',
            message: `'${t.term}' in text residents or prospects read: ${why}. Describe the property, not who should live there.${t.note ? ` (${t.note})` : ''}`,
            evidence: excerpt(text),
            cite: `${t.source}; 42 U.S.C. 3604(c)`,
          });
        }
      }
    }
    return findings;
  },
});
