import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fairHousingTerms } from '../../../../shared/compliance/fair-housing-terms.js';
import { fairHousingHits } from '../../../../shared/compliance/fair-housing.js';
import { fairHousingRule } from '../../../../servers/github-review/rules/fair-housing.js';
import { input, newFile } from '../support/diffs.js';

const terms = fairHousingTerms();
const hitTerms = (text: string) => fairHousingHits(text).map((h) => h.term.term);

/** The quoted phrases of the shipped guide's "Risky:" and "Safer:" / "Fine:" bullets (a bullet may wrap). */
function guidePhrases(kind: RegExp): string[] {
  const guide = readFileSync(
    new URL('../../../../knowledge-base/compliance/fair-housing.md', import.meta.url),
    'utf8',
  );
  const out: string[] = [];
  for (const bullet of guide.split(/\n(?=- |\n|#)/)) {
    if (!kind.test(bullet)) continue;
    for (const m of bullet.matchAll(/"([^"]+)"/g)) out.push(m[1]!);
  }
  return out;
}

describe('compliance/fair-housing: the shipped guide is the test set', () => {
  const risky = guidePhrases(/^- Risky:/);
  const safer = guidePhrases(/^- (Safer|Fine):/);

  it('reads the guide', () => {
    expect(risky.length).toBeGreaterThanOrEqual(15);
    expect(safer.length).toBeGreaterThanOrEqual(8);
  });

  it.each(risky)('flags the risky phrase "%s" from the guide', (phrase) => {
    expect(hitTerms(phrase).length).toBeGreaterThan(0);
  });

  it.each(safer)('does not flag the safer phrase "%s" from the guide', (phrase) => {
    expect(hitTerms(phrase)).toEqual([]);
  });

  it('flags the familial-status phrasings a user reported, and not their neutral neighbours', () => {
    for (const phrase of [
      'Great for young professionals',
      'Quiet building, not for families',
      'No kids allowed',
      'Perfect for empty nesters',
    ]) {
      expect(hitTerms(phrase).length, phrase).toBeGreaterThan(0);
    }
    expect(hitTerms('We manage 40 communities and serve families across Texas.')).toEqual([]);
    expect(hitTerms('The family room has new carpet.')).toEqual([]);
    expect(hitTerms('Our kids club runs on Saturdays for all residents.')).toEqual([]);
  });
});

describe('compliance/fair-housing terms', () => {
  it('loads all 87 rows of the HUD csv', () => {
    expect(terms).toHaveLength(87);
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
