import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { z } from 'zod';
import type { SophiaConfig } from '../config/config.js';
import type { SophiaDatabase } from '../db/database.js';
import type { Logger } from '../log/logger.js';

/**
 * How a tool is declared. Everything a host needs to use the tool well is required by the type, so
 * forgetting a title, a toolset, an output schema or one of the four annotation hints does not compile.
 * A server's tools live in `servers/<name>/tools/<capability>.ts`, each file exporting its definitions.
 */
export type Shape = z.ZodRawShape;
export type Infer<S extends Shape> = z.infer<z.ZodObject<S>>;

export interface ToolAnnotationsRequired {
  /** The tool does not change anything. */
  readOnlyHint: boolean;
  /** The tool may destroy or overwrite data (only meaningful when not read-only). */
  destructiveHint: boolean;
  /** Calling again with the same arguments has no further effect. */
  idempotentHint: boolean;
  /** The tool reaches systems outside Sophia's own database (GitHub, Gong, a model API). */
  openWorldHint: boolean;
}

/** Who is calling: from the verified bearer token over HTTP, or the local user over stdio. */
export interface Caller {
  id: string;
  roles: string[];
  /** Whether personal data (emails, phones) may be shown unmasked. */
  canSeePii: boolean;
  transport: 'stdio' | 'http' | 'memory';
  sessionId?: string | undefined;
}

export interface ToolContext {
  tenant: string;
  caller: Caller;
  config: SophiaConfig;
  logger: Logger;
  /** The database, opened on first use. */
  database(): Promise<SophiaDatabase>;
  /** The MCP server (for sampling and elicitation through `server.server`). */
  server: McpServer;
  signal: AbortSignal;
  /** Reports progress when the client asked for it (a progressToken); otherwise does nothing. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

export interface ToolResult<O extends Shape> {
  /** The structured answer; validated against the output schema. */
  structured: Infer<O>;
  /** A concise rendering for the model to read (not a JSON dump of `structured`). */
  text: string;
}

export interface ToolDefinition<I extends Shape = Shape, O extends Shape = Shape, T extends string = string> {
  name: string;
  title: string;
  /** Written for a model: what it is for, when to use it, what it returns. Long ones live in a .md beside the tool. */
  description: string;
  /** The group an operator can switch on or off (SOPHIA_TOOLSETS); a literal type, checked by defineServer. */
  toolset: T;
  input: I;
  output: O;
  annotations: ToolAnnotationsRequired;
  /**
   * Where the tool can work; default: every transport. A tool that only works for a local caller (it reads
   * the server machine's disk) is `['stdio', 'memory']`: over HTTP it is not listed at all, since every call
   * would be refused and its listing would cost the host's model context for nothing.
   */
  transports?: ReadonlyArray<Caller['transport']>;
  handler(args: Infer<I>, ctx: ToolContext): Promise<ToolResult<O>>;
}

/** Declares a tool; the generic parameters are inferred from `input` and `output`. */
export function defineTool<I extends Shape, O extends Shape, const T extends string>(
  def: ToolDefinition<I, O, T>,
): ToolDefinition<I, O, T> {
  if (!/^[a-z][a-z0-9_]{1,63}$/.test(def.name)) {
    throw new Error(`tool name '${def.name}' must be snake_case (a-z, 0-9, _), at most 64 characters`);
  }
  return def;
}

/** Any tool definition, for registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;

/** Thrown by a handler for an error the caller can fix; the message is returned as a tool error. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}
