import { encodeCursor, decodeCursor, estimateTokens } from '../../shared/runtime/budget.js';
import { ToolInputError } from '../../shared/runtime/define-tool.js';

/**
 * Pure helpers shared by the gong-analytics tools: how calls are cited, budgets, cursors, small statistics.
 *
 * A call is named by its Gong id (`callId`, the 19-20 digit id Gong shows in its URLs); every quote or
 * number that comes from a transcript cites `gong call <id> @ m:ss (speaker)`, so the host's model can quote
 * it back and a person can open the moment in Gong.
 */

/** Default response budget of every tool (text plus structured content), in estimated tokens. */
export const RESPONSE_TOKENS = 4000;

/** `m:ss` (or `h:mm:ss`) of a millisecond offset from the start of a call. */
export function formatOffset(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function callCitation(callId: string, startMs?: number | null, speaker?: string | null): string {
  const at = startMs === undefined || startMs === null ? '' : ` @ ${formatOffset(startMs)}`;
  return `gong call ${callId}${at}${speaker ? ` (${speaker})` : ''}`;
}

export function callUri(callId: string): string {
  return `gong://calls/${callId}`;
}

/** `j***@example.com` for callers without the pii role. */
export function maskEmail(email: string | null, canSeePii: boolean): string | null {
  if (!email || canSeePii) return email;
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * Takes items in order while text rendering plus structured JSON stay within `maxTokens` (a host pays for
 * both). Always at least one item, so a single large item is shown rather than nothing.
 */
export function takeWithin<T, S>(
  items: readonly T[],
  render: (item: T) => string,
  toStructured: (item: T) => S,
  maxTokens: number,
): { taken: T[]; structured: S[]; lines: string[]; omitted: number } {
  const taken: T[] = [];
  const structured: S[] = [];
  const lines: string[] = [];
  let tokens = 0;
  for (const item of items) {
    const line = render(item);
    const s = toStructured(item);
    const cost = estimateTokens(line) + estimateTokens(JSON.stringify(s));
    if (taken.length > 0 && tokens + cost > maxTokens) break;
    taken.push(item);
    structured.push(s);
    lines.push(line);
    tokens += cost;
  }
  return { taken, structured, lines, omitted: items.length - taken.length };
}

/** A cursor bound to the query it pages (so a cursor from another query is refused, not misread). */
export function pageCursor(query: unknown, position: Record<string, unknown>): string {
  return encodeCursor({ q: queryKey(query), ...position });
}

export function readPageCursor<T extends Record<string, unknown>>(
  cursor: string | undefined,
  query: unknown,
): T | undefined {
  if (!cursor) return undefined;
  const value = decodeCursor(cursor) as { q?: unknown } & T;
  if (!value || typeof value !== 'object' || value.q !== queryKey(query)) {
    throw new ToolInputError(
      'The cursor belongs to a different query; repeat the query without a cursor, or pass the same arguments with the nextCursor it returned.',
    );
  }
  return value;
}

function queryKey(query: unknown): string {
  const json = JSON.stringify(query ?? null);
  let h = 2166136261;
  for (let i = 0; i < json.length; i++) {
    h ^= json.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(36);
}

export function median(values: readonly number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export function round(value: number | null | undefined, digits = 2): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `${Math.round(value * 100)}%`;
}

/** Normalises a deal stage for comparison: "Closed Won", "closedwon" and "closed-won" are one stage. */
export function stageKey(stage: string): string {
  return stage.toLowerCase().replace(/[^a-z0-9]/g, '');
}
