import { ToolInputError } from './define-tool.js';

/**
 * Response budgets. Claude Code refuses tool outputs over 25,000 tokens and every token of a tool result
 * is context the host's model pays for, so tools answer concisely by default, page with cursors and say
 * when they left something out.
 */
/**
 * The default size of each part of an answer: the text rendering and the `structuredContent` each stay within
 * this many tokens unless the caller asks for more (a larger limit, detail "full"); beyond it, cursors page.
 */
export const DEFAULT_TOOL_TOKENS = 4000;
export const HARD_CAP_TOKENS = 20_000;

/**
 * A conservative token estimate: ~3.6 characters per token for English prose and JSON (Claude's tokenizer
 * averages 3.5-4.5), rounded up, so budgets are kept rather than exceeded.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.6);
}

/** Takes items in order while their rendering fits in `maxTokens`. */
export function takeWithinBudget<T>(
  items: readonly T[],
  render: (item: T) => string,
  maxTokens: number,
): { taken: T[]; omitted: number; tokens: number } {
  const taken: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const cost = estimateTokens(render(item));
    if (tokens + cost > maxTokens && taken.length > 0) break;
    if (tokens + cost > maxTokens) break;
    taken.push(item);
    tokens += cost;
  }
  return { taken, omitted: items.length - taken.length, tokens };
}

/**
 * Takes items in order while each of their renderings (e.g. the text line and the structured entry as JSON)
 * fits in `maxTokens` summed over the items taken: at least one item, so a page always moves on.
 */
export function takeWithinBudgets<T>(
  items: readonly T[],
  renders: ReadonlyArray<(item: T) => string>,
  maxTokens: number,
): { taken: T[]; omitted: number } {
  const taken: T[] = [];
  const totals = renders.map(() => 0);
  for (const item of items) {
    const costs = renders.map((r) => estimateTokens(r(item)));
    if (taken.length > 0 && costs.some((c, i) => totals[i]! + c > maxTokens)) break;
    costs.forEach((c, i) => (totals[i]! += c));
    taken.push(item);
  }
  return { taken, omitted: items.length - taken.length };
}

/** Cuts text to the budget at a line boundary where possible, with a notice saying so. */
export function truncateText(text: string, maxTokens: number): { text: string; truncated: boolean } {
  if (estimateTokens(text) <= maxTokens) return { text, truncated: false };
  const maxChars = Math.floor(maxTokens * 3.6) - 120;
  let cut = text.slice(0, Math.max(0, maxChars));
  const nl = cut.lastIndexOf('\n');
  if (nl > maxChars * 0.8) cut = cut.slice(0, nl);
  const omitted = text.length - cut.length;
  return {
    text: `${cut}\n\n[truncated: ${omitted} more characters not shown; narrow the request or page with the cursor]`,
    truncated: true,
  };
}

/** Opaque pagination cursors: base64url JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Every cursor Sophia makes encodes a JSON object; anything else (`null`, a number, garbage) is refused. */
export function decodeCursor(cursor: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ToolInputError(
      '`cursor` is not valid. Pass the `nextCursor` value from the previous answer unchanged, or omit it to start from the beginning.',
    );
  }
  return value as Record<string, unknown>;
}
