import { ToolInputError } from '../runtime/define-tool.js';

/**
 * Periods in tool arguments, pure: "2025" (a year), "2025-Q3" (a quarter), "2025-07" (a month),
 * "2025-W14" is not supported (weeks cut months). `from`/`to` dates (YYYY-MM-DD, `to` inclusive) narrow or
 * replace a period. Every range is half-open in UTC: [from, to).
 */
export interface DateRange {
  from: Date | null;
  to: Date | null;
  label: string;
}

export const PERIOD_PATTERN = /^(\d{4})(?:-(Q[1-4]|\d{2}))?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(what: 'from' | 'to', value: string): Date {
  const d = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    throw new ToolInputError(`${what} is a date YYYY-MM-DD, e.g. "2025-03-31" (got '${value}').`);
  return d;
}

export function parsePeriod(period: string): { from: Date; to: Date; label: string } {
  const m = PERIOD_PATTERN.exec(period.trim());
  if (!m) {
    throw new ToolInputError(
      `period '${period}' is not a period: period is a year "2025", a quarter "2025-Q3" or a month "2025-07".`,
    );
  }
  const year = Number(m[1]);
  const part = m[2]?.toUpperCase();
  if (!part) return { from: utc(year, 0), to: utc(year + 1, 0), label: String(year) };
  if (part.startsWith('Q')) {
    const q = Number(part.slice(1));
    return { from: utc(year, (q - 1) * 3), to: utc(year, q * 3), label: `${year}-Q${q}` };
  }
  const month = Number(part);
  if (month < 1 || month > 12) throw new ToolInputError(`period '${period}': the month must be 01-12.`);
  return { from: utc(year, month - 1), to: utc(year, month), label: `${year}-${part}` };
}

function utc(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}

/** Combines a period and/or from/to (YYYY-MM-DD, `to` inclusive) into one range. */
export function dateRange(args: {
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): DateRange {
  let from: Date | null = null;
  let to: Date | null = null;
  const labels: string[] = [];
  if (args.period) {
    const p = parsePeriod(args.period);
    from = p.from;
    to = p.to;
    labels.push(p.label);
  }
  if (args.from) {
    const f = parseDate('from', args.from);
    if (!from || f > from) from = f;
    labels.push(`from ${args.from}`);
  }
  if (args.to) {
    const t = parseDate('to', args.to);
    t.setUTCDate(t.getUTCDate() + 1);
    if (!to || t < to) to = t;
    labels.push(`to ${args.to}`);
  }
  if (from && to && from >= to) {
    throw new ToolInputError(`The date range is empty (${labels.join(', ')}): 'from' must be before 'to'.`);
  }
  return { from, to, label: labels.length ? labels.join(', ') : 'all time' };
}

/** The period label ("2025-Q3" or "2025-07") a date falls in. */
export function periodOf(date: Date, grain: 'quarter' | 'month'): string {
  const y = date.getUTCFullYear();
  if (grain === 'month') return `${y}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  return `${y}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/** The period just before a period label (same grain). */
export function previousPeriod(label: string): string {
  const p = parsePeriod(label);
  const d = new Date(p.from.getTime() - 24 * 3600 * 1000);
  if (/^\d{4}$/.test(label)) return String(d.getUTCFullYear());
  return periodOf(d, /Q/i.test(label) ? 'quarter' : 'month');
}
