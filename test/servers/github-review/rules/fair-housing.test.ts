import { describe, expect, it } from 'vitest';
import { fairHousingTerms } from '../../../../shared/compliance/fair-housing-terms.js';
import { fairHousingHits, fairHousingRule } from '../../../../servers/github-review/rules/fair-housing.js';
import { input, newFile } from '../support/diffs.js';

const terms = fairHousingTerms();
const hitTerms = (text: string) => fairHousingHits(text).map((h) => h.term.term);

describe('compliance/fair-housing terms', () => {
  it('loads all 81 rows of the HUD csv', () => {
    expect(terms).toHaveLength(81);
    expect(terms.filter((t) => t.verdict === 'ok')).toHaveLength(17);
  });

  it.each(terms.filter((t) => t.verdict === 'ok').map((t) => t.term))(
    'never flags the ok phrase "%s"',
    (phrase) => {
      expect(hitTerms(phrase)).toEqual([]);
      expect(hitTerms(`Spacious two-bedroom with ${phrase}. Residents love it. Apply today!`)).toEqual([]);
      expect(hitTerms(`${phrase[0]!.toUpperCase()}${phrase.slice(1)} — perfect for everyone.`)).toEqual([]);
    },
  );

  it.each(terms.filter((t) => t.verdict === 'flag').map((t) => t.term))(
    'flags the listed term "%s"',
    (term) => {
      expect(hitTerms(`Lovely unit, ${term}, close to shops.`)).toContain(term);
    },
  );

  it('flags context terms only with people, an area or a preference nearby', () => {
    expect(hitTerms('Kitchen with black appliances and white cabinets.')).toEqual([]);
    expect(hitTerms('Private patio and polished floors; window blinds included.')).toEqual([]);
    expect(hitTerms('Italian marble counters.')).toEqual([]);
    expect(hitTerms('Quiet white neighborhood near the park.')).toEqual(['white']);
    expect(hitTerms('An exclusive community for professionals.')).toEqual(['exclusive']);
    expect(hitTerms('No more than two children per unit.')).toEqual(['children']);
    expect(hitTerms("Children's play area by the pool.")).toEqual([]);
  });

  it('prefers the longest phrase and keeps state-law terms as warnings', () => {
    expect(hitTerms('Adults only building.')).toEqual(['adults only']);
    expect(hitTerms('No Section 8.')).toEqual(['no section 8']);
    const f = fairHousingRule.check(
      input(newFile('templates/listing.hbs', ['<p>No Section 8 or vouchers accepted.</p>'])),
      undefined,
    );
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(f[0]!.cite).toMatch(/^State\/local law/);
  });

  it('reads markup text only, not tags and attributes', () => {
    expect(
      fairHousingRule.check(
        input(
          newFile('templates/unit.html', ['<div class="text-black bg-white">Residents enjoy the gym.</div>']),
        ),
        undefined,
      ),
    ).toEqual([]);
  });

  it('only checks user-facing files', () => {
    const diff = newFile('src/util.ts', ["const msg = 'Perfect for singles';"]);
    expect(fairHousingRule.check({ ...input(diff), isUserFacing: () => false }, undefined)).toEqual([]);
    expect(fairHousingRule.check(input(diff), undefined)).toMatchObject([
      { ruleId: 'compliance/fair-housing', severity: 'error', line: 1 },
    ]);
  });
});
