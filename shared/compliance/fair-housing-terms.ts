import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { complianceDataPath } from './data-file.js';

/**
 * Fair Housing Act advertising terms (HUD guidance; see data/README.md). `flag`: indicates a possible
 * violation; `context`: only with a person or neighbourhood noun nearby; `ok`: HUD says it is NOT a
 * violation; `flag_if_state_law`: source of income, protected by many states and cities.
 */
export const FairHousingTerm = z.object({
  term: z.string().min(1),
  match: z.enum(['word', 'phrase']),
  protected_class: z.string(),
  verdict: z.enum(['flag', 'context', 'ok', 'flag_if_state_law']),
  source: z.string(),
  note: z.string(),
});
export type FairHousingTerm = z.infer<typeof FairHousingTerm>;

let cache: FairHousingTerm[] | undefined;

export function parseFairHousingTerms(csv: string): FairHousingTerm[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as unknown[];
  return rows.map((row, i) => {
    const parsed = FairHousingTerm.safeParse(row);
    if (!parsed.success) {
      throw new Error(
        `fair_housing_terms.csv row ${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    }
    return { ...parsed.data, term: parsed.data.term.toLowerCase() };
  });
}

export function fairHousingTerms(): FairHousingTerm[] {
  cache ??= parseFairHousingTerms(readFileSync(complianceDataPath('fair_housing_terms.csv'), 'utf8'));
  return cache;
}
