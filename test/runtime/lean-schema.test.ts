import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { leanJsonSchema, listedInputSchema, listedOutputSchema } from '../../shared/runtime/lean-schema.js';

const input = z
  .object({
    owner: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/)
      .describe('Repository owner'),
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .max(10)
      .optional(),
    number: z.number().int().positive(),
    body: z.string().max(65_000).optional(),
    side: z.enum(['LEFT', 'RIGHT']).default('RIGHT'),
    // property names that are also JSON Schema keywords stay
    pattern: z.string().optional(),
    properties: z.array(z.string()).max(5).optional(),
  })
  .strict();

const output = z.object({
  score: z.number().int().nullable(),
  band: z.enum(['healthy', 'at_risk']).nullable(),
  note: z.string().max(5000).nullable(),
});

describe('lean schemas (what tools/list hands the host)', () => {
  it('drops what says nothing to the model and keeps what tells it what to send', () => {
    const lean = listedInputSchema(input);
    expect(lean).toEqual({
      type: 'object',
      properties: {
        owner: { type: 'string', description: 'Repository owner' },
        day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 },
        number: { type: 'integer', exclusiveMinimum: 0 },
        body: { type: 'string' },
        side: { type: 'string', enum: ['LEFT', 'RIGHT'], default: 'RIGHT' },
        pattern: { type: 'string' },
        properties: { type: 'array', items: { type: 'string' }, maxItems: 5 },
      },
      required: ['owner', 'number'],
    });
    const full = JSON.stringify(toJsonSchemaCompat(input, { strictUnions: true, pipeStrategy: 'input' }));
    expect(full).toContain('$schema');
    expect(full).toContain('additionalProperties');
    expect(full).toContain('9007199254740991');
    expect(JSON.stringify(lean).length).toBeLessThan(full.length * 0.75);
  });

  it('writes a nullable type as a type list, leaving nullable enums as they are', () => {
    expect(listedOutputSchema(output).properties).toEqual({
      score: { type: ['integer', 'null'] },
      band: { anyOf: [{ type: 'string', enum: ['healthy', 'at_risk'] }, { type: 'null' }] },
      note: { type: ['string', 'null'] },
    });
    expect(leanJsonSchema({ enum: ['$schema'], default: { additionalProperties: false } })).toEqual({
      enum: ['$schema'],
      default: { additionalProperties: false },
    });
  });

  it('only relaxes: every value the full schema accepts, the lean schema accepts', () => {
    const ajv = new AjvJsonSchemaValidator();
    const cases: Array<[z.ZodObject, 'input' | 'output', fc.Arbitrary<unknown>]> = [
      [
        input,
        'input',
        fc.record(
          {
            owner: fc.oneof(fc.constantFrom('acme', 'a-b', '-x', ''), fc.string()),
            day: fc.oneof(fc.constant('2025-07-01'), fc.string()),
            number: fc.oneof(fc.integer(), fc.double()),
            body: fc.string(),
            side: fc.constantFrom('LEFT', 'RIGHT', 'UP'),
            pattern: fc.string(),
            properties: fc.array(fc.string(), { maxLength: 7 }),
            extra: fc.string(),
          },
          { requiredKeys: [] },
        ),
      ],
      [
        output,
        'output',
        fc.record({
          score: fc.oneof(fc.integer(), fc.constant(null), fc.double(), fc.string()),
          band: fc.constantFrom('healthy', 'at_risk', null, 'other'),
          note: fc.oneof(fc.string(), fc.constant(null)),
        }),
      ],
    ];
    for (const [schema, io, values] of cases) {
      const full = toJsonSchemaCompat(schema, { strictUnions: true, pipeStrategy: io });
      const check = ajv.getValidator(full as never);
      const checkLean = ajv.getValidator(leanJsonSchema(full) as never);
      let accepted = 0;
      fc.assert(
        fc.property(values, (v) => {
          if (check(v).valid) {
            accepted++;
            expect(checkLean(v).valid).toBe(true);
          }
        }),
        { numRuns: 400, seed: 12 },
      );
      expect(accepted).toBeGreaterThan(0);
    }
  });
});
