import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate, parseFields } from '../../shared/identity/evaluate.js';

/**
 * FEBRL 4 (a public benchmark, test/fixtures/febrl/README.md): a 1,000 x 1,000 subset, linked without
 * labels with the default blocking rules and comparisons; the truth only scores the result.
 */
const dir = fileURLToPath(new URL('../fixtures/febrl/', import.meta.url));
const fields = parseFields(
  'given_name:name,surname:name,street_number:id,address_1:text,address_2:text,suburb:text,postcode:id,state:exact,date_of_birth:date,soc_sec_id:id',
);

describe('FEBRL 4 subset', () => {
  it('links the two files with F1 >= 0.99 without labels', () => {
    const r = evaluate({
      files: [`${dir}dataset4a-subset.csv`, `${dir}dataset4b-subset.csv`],
      idColumn: 'rec_id',
      truthRegex: 'rec-(\\d+)',
      fields,
    });
    expect(r.mode).toBe('link');
    expect(r.truePairs).toBe(1000);
    expect(r.precision).toBeGreaterThanOrEqual(0.99);
    expect(r.recall).toBeGreaterThanOrEqual(0.99);
    expect(r.f1).toBeGreaterThanOrEqual(0.99);
  });

  it('deduplicates one file holding both (pairs within the file)', () => {
    const a = readFileSync(`${dir}dataset4a-subset.csv`, 'utf8').trimEnd().split('\n');
    const b = readFileSync(`${dir}dataset4b-subset.csv`, 'utf8').trimEnd().split('\n');
    const both = join(mkdtempSync(join(tmpdir(), 'febrl-')), 'both.csv');
    writeFileSync(both, [...a, ...b.slice(1)].join('\n'));
    const r = evaluate({ files: [both], idColumn: 'rec_id', truthRegex: 'rec-(\\d+)', fields });
    expect(r.mode).toBe('dedupe');
    expect(r.truePairs).toBe(1000);
    expect(r.f1).toBeGreaterThanOrEqual(0.98);
  });

  it('says how to fix bad arguments', () => {
    expect(() => parseFields('name:fuzzy')).toThrow(/use one of name, company/);
    expect(() => evaluate({ files: [`${dir}dataset4a-subset.csv`], idColumn: 'rec_id', fields })).toThrow(
      /--truth-column COLUMN or --truth-regex/,
    );
    expect(() =>
      evaluate({ files: [`${dir}dataset4a-subset.csv`], idColumn: 'nope', truthRegex: '(.*)', fields }),
    ).toThrow(/has no column 'nope'/);
  });
});
