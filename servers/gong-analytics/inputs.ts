import { z } from 'zod';
import { PERIOD_PATTERN } from '../../shared/time/period.js';

/** Argument schemas the tools share (short descriptions: tools/list is paid for by every host). */

export const OBJECTION_TYPES = [
  'pricing',
  'integration',
  'ai_trust',
  'compliance',
  'timing',
  'contract',
  'competitor',
  'other',
] as const;
export type ObjectionType = (typeof OBJECTION_TYPES)[number];

const CALL_ID = /^(\d{1,24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// Formats are checked with refinements (which the JSON schema does not carry: a regex there would cost every
// host tokens in tools/list); the messages say how to fix the argument.
export const callIdInput = z
  .string()
  .trim()
  .max(40)
  .refine(
    (v) => CALL_ID.test(v),
    'a call id is the Gong call id (digits, e.g. "7782342274025937895") or Sophia\'s uuid',
  );

export const repInput = z.string().trim().max(200).describe('Rep name, email or id');
export const accountInput = z.string().trim().max(200).describe('Account name or id');
export const periodInput = z
  .string()
  .trim()
  .max(10)
  .refine((v) => PERIOD_PATTERN.test(v), 'period is a year "2025", a quarter "2025-Q3" or a month "2025-07"')
  .describe('"2025", "2025-Q3" or "2025-07"');
export const dateInput = (what: 'from' | 'to') =>
  z
    .string()
    .trim()
    .max(10)
    .refine((v) => DATE.test(v), `${what} is a date YYYY-MM-DD, e.g. "2025-03-31"`)
    .describe('YYYY-MM-DD');

export const limitInput = (max: number, dflt: number) =>
  z.number().int().min(1, 'limit must be at least 1').max(max, `limit can be at most ${max}`).default(dflt);

export const cursorInput = z.string().max(2000).optional();
