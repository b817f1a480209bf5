import { describe, expect, it } from 'vitest';
import { clusterLinks } from '../../shared/identity/cluster.js';
import {
  compareValues,
  kindLevels,
  prepareValue,
  type FieldKind,
} from '../../shared/identity/comparisons.js';
import { type LinkRecord, linkRecords } from '../../shared/identity/linker.js';

const level = (kind: FieldKind, a: string | null, b: string | null) =>
  kindLevels(kind)[compareValues(kind, prepareValue(kind, a), prepareValue(kind, b))];

/** A seeded generator for synthetic data. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('comparison levels', () => {
  it('names: exact, Jaro-Winkler bands, sound, null', () => {
    expect(level('name', 'Michaela', 'michaela ')).toBe('exact');
    expect(level('name', 'martha', 'marhta')).toBe('Jaro-Winkler >= 0.92');
    expect(level('name', 'Catherine', 'Kathryn')).toBe('same sound');
    expect(level('name', 'smith', 'jones')).toBe('different');
    expect(level('name', null, 'jones')).toBe('null');
    expect(level('name', '  ', 'jones')).toBe('null');
  });
  it('companies: legal form and spacing do not matter', () => {
    expect(level('company', 'Harbor View Residential LLC', 'Harborview Residential')).toBe(
      'same ignoring spaces and legal form',
    );
    expect(level('company', 'Enterprise Property Group, LLC', 'Enterprise Property Group')).toBe(
      'same ignoring spaces and legal form',
    );
    expect(level('company', 'Acme Corp', 'Globex Corp')).toBe('different');
  });
  it('dates, numbers, emails, phones, ids', () => {
    expect(level('date', '19151111', '1915-11-11')).toBe('exact');
    expect(level('date', '19151111', '19151117')).toBe('one typo');
    expect(level('date', '2020-01-01', '2020-01-20')).toBe('within a month');
    expect(level('date', '2020-01-01', '2020-08-15')).toBe('within a year');
    expect(level('number', '100', '100.5')).toBe('within 1%');
    expect(level('number', '100', '108')).toBe('within 10%');
    expect(level('email', 'A.B@x.com', 'a.b@x.com')).toBe('exact');
    expect(level('email', 'a.b@x.com', 'a.b@y.org')).toBe('same local part');
    expect(level('email', 'ab@x.com', 'cd@x.com')).toBe('same domain');
    expect(level('phone', '+1 (415) 555-0199', '415.555.0199')).toBe('exact');
    expect(level('phone', '4155550199', '4155550198')).toBe('one digit apart');
    expect(level('id', '5304218', '5304281')).toBe('two edits apart');
  });
});

/** People with known error rates: entity i appears once in A and, with some fields corrupted, once in B. */
function synthetic(n: number, seed = 7) {
  const r = rng(seed);
  const word = () =>
    Array.from({ length: 5 + Math.floor(r() * 4) }, () =>
      String.fromCharCode(97 + Math.floor(r() * 26)),
    ).join('');
  const given = Array.from({ length: 40 }, word);
  const sur = Array.from({ length: 300 }, word);
  const corrupt = (s: string) => (s.length > 3 ? s.slice(0, 2) + 'z' + s.slice(3) : s + 'z');
  const a: LinkRecord[] = [];
  const b: LinkRecord[] = [];
  const typo = { given_name: 0.2, surname: 0.1, dob: 0.15 };
  for (let i = 0; i < n; i++) {
    const v = {
      given_name: given[Math.floor(r() * given.length)]!,
      surname: sur[Math.floor(r() * sur.length)]!,
      dob: `19${String(20 + Math.floor(r() * 70))}${String(1 + Math.floor(r() * 12)).padStart(2, '0')}${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
    };
    a.push({ id: `a${i}`, values: v });
    const w: Record<string, string> = { ...v };
    for (const [f, p] of Object.entries(typo)) if (r() < p) w[f] = corrupt(w[f]!);
    b.push({ id: `b${i}`, values: w });
  }
  return { a, b, typo };
}

describe('linker', () => {
  const fields = [
    { name: 'given_name', kind: 'name' as const },
    { name: 'surname', kind: 'name' as const },
    { name: 'dob', kind: 'date' as const },
  ];

  it('EM recovers m without labels, and u comes from random pairs', () => {
    const { a, b, typo } = synthetic(1500);
    const res = linkRecords({ fields, seed: 1 }, a, b);
    const m = Object.fromEntries(res.model.fields.map((f) => [f.field, f.m[1]!]));
    // m(exact) = 1 - error rate of the field
    expect(m.given_name).toBeCloseTo(1 - typo.given_name, 1);
    expect(m.surname).toBeCloseTo(1 - typo.surname, 1);
    expect(m.dob).toBeCloseTo(1 - typo.dob, 1);
    // u(exact) for given names: 40 equally likely names, so about 1/40 of random pairs agree
    const u = res.model.fields.find((f) => f.field === 'given_name')!.u[1]!;
    expect(u).toBeGreaterThan(0.015);
    expect(u).toBeLessThan(0.04);
    // every session but the given-name rules' estimated given_name's m
    expect(res.model.fields[0]!.sessions).toBe(res.model.rules.length - 2);
    // the prior: 1500 matches among 1500 x 1500 pairs
    expect(res.model.prior).toBeGreaterThan(0.5 / 1500);
    expect(res.model.prior).toBeLessThan(2 / 1500);
    const truePositives = res.links.filter((l) => l.left.slice(1) === l.right.slice(1)).length;
    expect(truePositives / res.links.length).toBeGreaterThan(0.97);
    expect(truePositives / 1500).toBeGreaterThan(0.95);
  });

  it('is deterministic: the same input gives the same links and weights', () => {
    const { a, b } = synthetic(400, 3);
    const x = linkRecords({ fields }, a, b);
    const y = linkRecords({ fields }, a, b);
    expect(y.links).toEqual(x.links);
    expect(y.model).toEqual(x.model);
  });

  it('term frequency: agreeing on a common value weighs less than on a rare one', () => {
    const recs: LinkRecord[] = [];
    for (let i = 0; i < 200; i++)
      recs.push({ id: `r${i}`, values: { surname: i < 60 ? 'smith' : `rare${i}n`, city: `city${i % 50}` } });
    recs.push({ id: 'x1', values: { surname: 'zzyzx', city: 'paris' } });
    recs.push({ id: 'x2', values: { surname: 'zzyzx', city: 'paris' } });
    const res = linkRecords(
      {
        fields: [
          { name: 'surname', kind: 'name' },
          { name: 'city', kind: 'exact' },
        ],
        maxBlockPairs: 100_000,
      },
      recs,
    );
    const common = res.explain('r0', 'r1').fields[0]!;
    const rare = res.explain('x1', 'x2').fields[0]!;
    expect(common.level).toBe('exact');
    expect(rare.level).toBe('exact');
    expect(common.termFrequency).toBeCloseTo(60 / 202, 5);
    expect(rare.termFrequency).toBeCloseTo(2 / 202, 5);
    expect(rare.weight - common.weight).toBeCloseTo(Math.log2(60 / 2), 1);
  });

  it('blocking: only pairs sharing a key are compared; oversized blocks are skipped; link mode pairs across files only', () => {
    const left: LinkRecord[] = [
      { id: 'l1', values: { name: 'Ann Lee', state: 'ca' } },
      { id: 'l2', values: { name: 'Bob Ray', state: 'ca' } },
    ];
    const right: LinkRecord[] = [
      { id: 'r1', values: { name: 'Ann Lee', state: 'ca' } },
      { id: 'r2', values: { name: 'Cy Young', state: 'ca' } },
    ];
    const res = linkRecords(
      {
        fields: [
          { name: 'name', kind: 'name' },
          { name: 'state', kind: 'exact' },
        ],
        rules: [
          { name: 'name', parts: [{ field: 'name', key: 'value' }] },
          { name: 'state', parts: [{ field: 'state', key: 'value' }] },
        ],
        maxBlockPairs: 3,
      },
      left,
      right,
    );
    // 'ca' is shared by 2 x 2 = 4 cross pairs > 3: skipped; the name block gives l1-r1 only
    expect(res.model.rules.map((r) => [r.name, r.pairs, r.skippedBlocks])).toEqual([
      ['name', 1, 0],
      ['state', 0, 1],
    ]);
    expect(res.model.candidatePairs).toBe(1);
    expect(res.model.totalPairs).toBe(4);
    expect(() =>
      linkRecords(
        {
          fields: [{ name: 'x', kind: 'name' }],
          rules: [{ name: 'bad', parts: [{ field: 'y', key: 'value' }] }],
        },
        left,
      ),
    ).toThrow(/names field 'y'/);
  });

  it('explains a pair field by field, and the weights add up', () => {
    const { a, b } = synthetic(300, 11);
    const res = linkRecords({ fields }, a, b);
    const top = res.links[0]!;
    const e = res.explain(top.left, top.right);
    expect(e.fields.map((f) => f.field)).toEqual(['given_name', 'surname', 'dob']);
    expect(e.weight).toBeCloseTo(top.weight, 6);
    const prior = Math.log2(res.model.prior / (1 - res.model.prior));
    expect(prior + e.fields.reduce((s, f) => s + f.weight, 0)).toBeCloseTo(top.weight, 1);
  });
});

describe('clusters', () => {
  it('connected components above the threshold, labelled by the smallest key', () => {
    const { labels } = clusterLinks(
      ['a', 'b', 'c', 'd', 'e'],
      [
        { a: 'c', b: 'b', strength: 0.9 },
        { a: 'd', b: 'e', strength: 0.7 },
      ],
      { key: (id) => ({ a: '5', b: '3', c: '1', d: '9', e: '8' })[id]! },
    );
    expect(Object.fromEntries(labels)).toEqual({ a: 'a', b: 'c', c: 'c', d: 'e', e: 'e' });
  });

  it('a split holds against automatic links: the weakest link on the path gives way', () => {
    const links = [
      { a: 'x', b: 'y', strength: 0.99 },
      { a: 'y', b: 'z', strength: 0.6 },
      { a: 'z', b: 'w', strength: 2 },
    ];
    const { labels, skipped } = clusterLinks(['x', 'y', 'z', 'w'], links, { splits: [['x', 'w']] });
    expect(labels.get('x')).toBe(labels.get('y'));
    expect(labels.get('z')).toBe(labels.get('w'));
    expect(labels.get('x')).not.toBe(labels.get('w'));
    expect(skipped).toEqual([{ a: 'y', b: 'z', strength: 0.6 }]);
    // whatever order the links come in
    expect(clusterLinks(['x', 'y', 'z', 'w'], [...links].reverse(), { splits: [['w', 'x']] }).labels).toEqual(
      labels,
    );
  });

  it('a manual merge joins what no automatic link does', () => {
    const { labels } = clusterLinks(['p', 'q'], [{ a: 'p', b: 'q', strength: 10 }]);
    expect(labels.get('q')).toBe('p');
  });
});
