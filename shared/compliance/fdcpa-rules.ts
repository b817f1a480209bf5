import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { complianceDataPath } from './data-file.js';

/** FDCPA / Regulation F rules (see data/README.md): ids, citations and lexicon hints. */
export const FdcpaRule = z.object({
  id: z.string(),
  cite: z.string(),
  check: z.string(),
  rule: z.string(),
  lexicon_hints: z.array(z.string()).optional(),
});
export type FdcpaRule = z.infer<typeof FdcpaRule>;

const FdcpaFile = z.object({ rules: z.array(FdcpaRule) });

let cache: Map<string, FdcpaRule> | undefined;

export function fdcpaRules(): Map<string, FdcpaRule> {
  if (!cache) {
    const file = FdcpaFile.parse(
      JSON.parse(readFileSync(complianceDataPath('fdcpa_reg_f_rules.json'), 'utf8')),
    );
    cache = new Map(file.rules.map((r) => [r.id, r]));
  }
  return cache;
}

/** One rule by id; throws when the data file lacks it (a rule must cite something that exists). */
export function fdcpaRule(id: string): FdcpaRule {
  const rule = fdcpaRules().get(id);
  if (!rule) throw new Error(`FDCPA rule '${id}' is not in fdcpa_reg_f_rules.json`);
  return rule;
}
