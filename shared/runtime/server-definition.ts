import type { AnyPrompt } from './define-prompt.js';
import type { AnyResource, ResourceContext } from './define-resource.js';
import type { AnyTool, ToolDefinition } from './define-tool.js';

/** Everything that makes one MCP server: the runtime builds, filters and serves it. */
export interface ServerDefinition {
  /** Machine name, e.g. `data-dictionary`; also the `server` column of the audit log. */
  name: string;
  title: string;
  version: string;
  /** Told to the host's model at initialisation: what the server is for and how to use its tools. */
  instructions: string;
  tools: AnyTool[];
  /**
   * The toolsets served when the operator names none (--toolsets, SOPHIA_TOOLSETS); default: every toolset.
   * Every tool listed costs the host's model context on every turn, so a server with many tools serves the
   * everyday ones by default and the rest on request (`--toolsets all`, or `default,<toolset>`).
   */
  defaultToolsets?: readonly string[];
  resources?: AnyResource[];
  prompts?: AnyPrompt[];
  /**
   * The server answers from landed source data: when the caller's tenant has none, the first answer says so
   * and how to load some (tenant-notice.ts).
   */
  readsTenantData?: boolean;
  /** Runs once when the server process starts (e.g. a file watcher); may return a stop function. */
  start?(ctx: StartContext): Promise<void | (() => Promise<void>)>;
}

/** What a start hook gets: the process's configuration and database, and a way to tell clients about changes. */
export type StartContext = Omit<ResourceContext, 'server'> & {
  /**
   * Sends notifications/resources/updated to the connected clients subscribed to `uri`: with `tenant`, only
   * that tenant's (a change to the tenant's own data); without, every subscriber (a change to shared data).
   */
  notifyResourceUpdated(uri: string, tenant?: string): Promise<void>;
};

/**
 * Declares a server. Toolset names are typed: `defaultToolsets` may only name toolsets its tools declare
 * (a typo does not compile; defineServer also checks at run time).
 */
export function defineServer<const T extends string>(
  def: Omit<ServerDefinition, 'tools' | 'defaultToolsets'> & {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    tools: Array<ToolDefinition<any, any, T>>;
    defaultToolsets?: readonly NoInfer<T>[];
  },
): ServerDefinition {
  const names = new Set<string>();
  for (const tool of def.tools) {
    if (names.has(tool.name)) throw new Error(`${def.name}: two tools are named '${tool.name}'`);
    names.add(tool.name);
    if (tool.toolset === 'all' || tool.toolset === 'default')
      throw new Error(
        `${def.name}: '${tool.toolset}' is a reserved word, not a toolset name (tool ${tool.name})`,
      );
  }
  const toolsets = new Set(def.tools.map((t) => t.toolset));
  for (const d of def.defaultToolsets ?? []) {
    if (!toolsets.has(d))
      throw new Error(
        `${def.name}: default toolset '${d}' has no tools; toolsets: ${[...toolsets].sort().join(', ')}`,
      );
  }
  return def;
}
