import type { InMemoryConnection } from '../../support/mcp.js';

export interface ToolAnswer<S = Record<string, unknown>> {
  isError?: boolean;
  content: Array<{ type: string; text: string }>;
  structuredContent?: S;
}

export function caller(conn: () => InMemoryConnection) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return async <S = any>(name: string, args: Record<string, unknown>): Promise<ToolAnswer<S>> =>
    (await conn().client.callTool({ name, arguments: args })) as ToolAnswer<S>;
}

/** Estimated tokens of what the host receives: the text and the structured content. */
export function responseTokens(r: ToolAnswer): number {
  return Math.ceil(
    (r.content.map((c) => c.text).join('').length + JSON.stringify(r.structuredContent ?? {}).length) / 3.6,
  );
}
