import { z } from 'zod';
import { PERIOD_PATTERN } from './period.js';

/** Argument schemas the tools share (short descriptions: tools/list is paid for by every host). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

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

export const callIdInput = z
  .string()
  .trim()
  .regex(
    /^(\d{1,24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
    'a call id is the Gong call id (digits, e.g. "7782342274025937895") or Sophia\'s uuid',
  );

export const repInput = z
  .string()
  .trim()
  .min(2, 'rep needs at least 2 characters')
  .max(200)
  .describe('Rep name, email or user id');
export const accountInput = z
  .string()
  .trim()
  .min(2, 'account needs at least 2 characters')
  .max(200)
  .describe('Account name or id');
export const periodInput = z
  .string()
  .trim()
  .regex(PERIOD_PATTERN, 'period is a year "2025", a quarter "2025-Q3" or a month "2025-07"')
  .describe('"2025", "2025-Q3" or "2025-07"');
export const dateInput = (what: string) =>
  z
    .string()
    .trim()
    .regex(DATE, `${what} is a date YYYY-MM-DD, e.g. "2025-03-31"`)
    .describe(`${what} date YYYY-MM-DD`);

export const limitInput = (max: number, dflt: number) =>
  z.number().int().min(1, 'limit must be at least 1').max(max, `limit can be at most ${max}`).default(dflt);

export const cursorInput = z.string().max(2000).optional().describe('nextCursor of the previous answer');
