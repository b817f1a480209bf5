import { createTenantNotice } from './tenant-notice.js';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import {
  type CallToolResult,
  CompleteRequestSchema,
  type CompleteResult,
  ListToolsRequestSchema,
  type ListToolsResult,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { SophiaConfig } from '../config/config.js';
import type { SophiaDatabase } from '../db/database.js';
import type { Logger } from '../log/logger.js';
import type { AuditLog } from './audit.js';
import { estimateTokens, HARD_CAP_TOKENS } from './budget.js';
import { inputSchemaOf } from './contract.js';
import { listedInputSchema, listedOutputSchema } from './lean-schema.js';
import type { ResourceContext, TemplateResource } from './define-resource.js';
import type { AnyTool, Caller, ToolContext } from './define-tool.js';
import { DatabaseUnavailableError, isConnectionError } from '../db/resilient-pool.js';
import {
  describeJsonType,
  errorClassOf,
  findUnstorableText,
  formatUnstorableText,
  formatZodIssues,
  toCallerMessage,
} from './errors.js';
import type { ServerDefinition } from './server-definition.js';

/**
 * Builds one McpServer from a ServerDefinition. The SDK lists the tools (from their zod shapes); calls go
 * through Sophia's own tools/call handler, which validates arguments with messages that say how to fix them,
 * checks the caller may use the tool, runs the handler, checks the answer against the output schema and the
 * token cap, and audits every call, whatever its outcome.
 */
export interface RuntimeContext {
  config: SophiaConfig;
  logger: Logger;
  database(): Promise<SophiaDatabase>;
  audit: AuditLog;
  transport: Caller['transport'];
  /** The caller of a request: from the verified token (HTTP) or the local user (stdio). */
  callerFor(
    authInfo: { clientId?: string; extra?: Record<string, unknown>; scopes?: string[] } | undefined,
    sessionId?: string,
  ): Caller;
  /** The tenant of a request: the token's `tenant` claim when present, else SOPHIA_TENANT. */
  tenantFor(caller: Caller, authInfo?: { extra?: Record<string, unknown> }): string;
}

/** The toolsets a server defines (what --toolsets and SOPHIA_TOOLSETS may name), sorted. */
export function toolsetsOf(def: ServerDefinition): string[] {
  return [...new Set(def.tools.map((t) => t.toolset))].sort();
}

/** Words a toolset selection may use besides toolset names: every toolset, or the server's defaults. */
export const TOOLSET_KEYWORDS = ['all', 'default'] as const;

/** The toolsets a server serves when the operator names none: its `defaultToolsets`, else all of them. */
export function defaultToolsetsOf(def: ServerDefinition): string[] {
  return def.defaultToolsets ? [...def.defaultToolsets].sort() : toolsetsOf(def);
}

/**
 * The toolsets switched on by an operator's selection: none named means the defaults; `all` adds every
 * toolset and `default` the defaults, so `--toolsets default,review_write` adds one toolset to the defaults.
 */
export function selectedToolsets(def: ServerDefinition, selected: readonly string[]): Set<string> {
  if (selected.length === 0) return new Set(defaultToolsetsOf(def));
  const on = new Set<string>();
  for (const s of selected) {
    const names = s === 'all' ? toolsetsOf(def) : s === 'default' ? defaultToolsetsOf(def) : [s];
    for (const n of names) on.add(n);
  }
  return on;
}

/**
 * Checks an operator's toolset selection against the server's toolsets: a name the server does not define
 * would otherwise start a server with fewer (or no) tools and exit 0. Returns the error message, or undefined.
 */
export function unknownToolsetsMessage(
  def: ServerDefinition,
  selected: readonly string[],
): string | undefined {
  const valid = toolsetsOf(def);
  const unknown = selected.filter(
    (s) => !valid.includes(s) && !(TOOLSET_KEYWORDS as readonly string[]).includes(s),
  );
  if (unknown.length === 0) return undefined;
  return `unknown toolset${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} for ${def.name}; valid toolsets: ${valid.join(', ')} (default: ${defaultToolsetsOf(def).join(', ')}; 'all' for every toolset; set with --toolsets a,b or SOPHIA_TOOLSETS)`;
}

/**
 * Tools left after read-only mode, the toolset selection (the server's defaults when none is made) and, when
 * a transport is given, the tools that work on it.
 */
export function enabledTools(
  def: ServerDefinition,
  config: Pick<SophiaConfig, 'readOnly' | 'toolsets'>,
  transport?: Caller['transport'],
): AnyTool[] {
  const on = selectedToolsets(def, config.toolsets);
  return def.tools.filter(
    (t) => (!config.readOnly || t.annotations.readOnlyHint) && on.has(t.toolset) && worksOn(t, transport),
  );
}

function worksOn(tool: AnyTool, transport: Caller['transport'] | undefined): boolean {
  return transport === undefined || !tool.transports || tool.transports.includes(transport);
}

/** Why a tool the server defines is not served, and how to switch it on. */
function switchedOffMessage(
  def: ServerDefinition,
  tool: AnyTool,
  config: Pick<SophiaConfig, 'readOnly' | 'toolsets'>,
  known: string,
  transport: Caller['transport'],
): string {
  if (!worksOn(tool, transport)) {
    const where = (tool.transports ?? []).filter((t) => t !== 'memory').join(' or ');
    return `Tool ${tool.name} is not available over ${transport}: it works over ${where} only (it reads the server machine's disk; run the server locally, as Claude Code does). Available tools: ${known}.`;
  }
  if (config.readOnly && !tool.annotations.readOnlyHint) {
    return `Tool ${tool.name} is switched off on this server (read-only mode: it changes data). Available tools: ${known}.`;
  }
  const on = [...selectedToolsets(def, config.toolsets)].sort().join(', ');
  return `Tool ${tool.name} is switched off on this server (its toolset '${tool.toolset}' is not enabled; enabled: ${on}). To use it, start the server with --toolsets default,${tool.toolset} or SOPHIA_TOOLSETS=all. Available tools: ${known}.`;
}

/** Non-read-only tools need the `write` (or `admin`) role over HTTP; local stdio users have every role. */
export function mayUse(tool: AnyTool, caller: Caller): boolean {
  if (tool.annotations.readOnlyHint) return true;
  return caller.roles.includes('write') || caller.roles.includes('admin');
}

/**
 * A read-only tool whose database connection died under it is run once more (the pool has a fresh
 * connection by then); a tool that changes data is not (its change may have committed), nor is a call the
 * database was unreachable for (the pool already waited), nor a cancelled one.
 */
export async function runWithReadOnlyRetry<T>(
  tool: Pick<AnyTool, 'name' | 'annotations'>,
  run: () => Promise<T>,
  signal: AbortSignal,
  logger: Logger,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const retry =
      tool.annotations.readOnlyHint &&
      isConnectionError(err) &&
      !(err instanceof DatabaseUnavailableError) &&
      !signal.aborted;
    if (!retry) throw err;
    logger.info('retrying a read-only call once after its database connection was lost', { tool: tool.name });
    return run();
  }
}

/**
 * tools/call goes through Sophia's handler with a schema that accepts any `arguments` value, so arguments that
 * are not an object get a tool error naming them (the SDK's own schema would answer with an internal error
 * carrying a raw validation dump). Installed on the protocol layer: the SDK server's wrapper would validate
 * with its strict schema first.
 */
type CallToolHandler = (
  request: { params: { name: string; arguments?: unknown } },
  extra: Parameters<Parameters<McpServer['server']['setRequestHandler']>[1]>[1],
) => Promise<CallToolResult>;

const LooseCallToolRequest = z.object({
  method: z.literal('tools/call'),
  params: z.unknown().optional(),
});

function setCallToolHandler(server: McpServer, handler: CallToolHandler): void {
  const protocolSetRequestHandler = Object.getPrototypeOf(Object.getPrototypeOf(server.server))
    .setRequestHandler as McpServer['server']['setRequestHandler'];
  protocolSetRequestHandler.call(
    server.server,
    LooseCallToolRequest as never,
    ((request: { params?: unknown }, extra: Parameters<CallToolHandler>[1]) => {
      const params = request.params as { name?: unknown; arguments?: unknown } | undefined;
      if (typeof params !== 'object' || params === null || typeof params.name !== 'string') {
        throw new McpError(
          ErrorCode.InvalidParams,
          'tools/call needs params.name, the name of the tool to call (a string), and params.arguments, an object',
        );
      }
      return handler({ params: { name: params.name, arguments: params.arguments } }, extra);
    }) as never,
  );
}

export function buildServer(def: ServerDefinition, runtime: RuntimeContext): McpServer {
  const tools = enabledTools(def, runtime.config, runtime.transport);
  const hasCompletions =
    (def.resources ?? []).some((r) => r.template && r.complete) ||
    (def.prompts ?? []).some((p) => p.complete);
  const server = new McpServer(
    { name: `sophia-${def.name}`, title: def.title, version: def.version },
    {
      instructions: def.instructions,
      capabilities: {
        tools: { listChanged: false },
        logging: {},
        ...(def.resources?.length ? { resources: { subscribe: true, listChanged: false } } : {}),
        ...(def.prompts?.length ? { prompts: { listChanged: false } } : {}),
        ...(hasCompletions ? { completions: {} } : {}),
      },
    },
  );

  const resourceContext = (
    authInfo?: { extra?: Record<string, unknown>; clientId?: string; scopes?: string[] },
    sessionId?: string,
  ): ResourceContext => {
    const caller = runtime.callerFor(authInfo, sessionId);
    return {
      tenant: runtime.tenantFor(caller, authInfo),
      caller,
      config: runtime.config,
      logger: runtime.logger,
      database: runtime.database,
      server,
    };
  };

  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: inputSchemaOf(tool.input),
        outputSchema: z.object(tool.output),
        annotations: { title: tool.title, ...tool.annotations },
      },
      // Never called: tools/call is handled below.
      async () => ({ content: [] }),
    );
  }
  // tools/list hands the host lean schemas (lean-schema.ts): the SDK's own listing renders zod's full detail,
  // which the host's model pays for on every turn. Calls are still validated against the full zod schemas.
  const listing: ListToolsResult = { tools: tools.map(listedTool) };
  server.server.setRequestHandler(ListToolsRequestSchema, () => listing);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const tenantNotice = createTenantNotice(runtime.database, runtime.logger);

  setCallToolHandler(server, async (request, extra): Promise<CallToolResult> => {
    requireAuth(runtime, extra.authInfo, 'tools/call');
    const started = performance.now();
    const name = request.params.name;
    const rawArgs = request.params.arguments ?? {};
    const argsAreObject = typeof rawArgs === 'object' && rawArgs !== null && !Array.isArray(rawArgs);
    const args = argsAreObject ? rawArgs : { arguments: rawArgs };
    const caller = runtime.callerFor(extra.authInfo, extra.sessionId);
    const tenant = runtime.tenantFor(caller, extra.authInfo);
    const audit = (outcome: 'ok' | 'error' | 'denied', errorClass?: string) =>
      runtime.audit.record({
        tenant,
        server: def.name,
        tool: name,
        caller: caller.id,
        transport: caller.transport,
        sessionId: caller.sessionId,
        args,
        outcome,
        errorClass,
        latencyMs: performance.now() - started,
      });
    // The audit row gets the error's class, never the message (messages can echo arguments).
    const fail = (outcome: 'error' | 'denied', errorClass: string, message: string): CallToolResult => {
      audit(outcome, errorClass);
      return { isError: true, content: [{ type: 'text', text: message }] };
    };

    const tool = byName.get(name);
    if (!tool) {
      const known = tools.map((t) => t.name).join(', ');
      const hidden = def.tools.find((t) => t.name === name);
      return fail(
        'error',
        hidden ? 'tool_switched_off' : 'unknown_tool',
        hidden
          ? switchedOffMessage(def, hidden, runtime.config, known, runtime.transport)
          : `There is no tool named ${name}. Available tools: ${known}.`,
      );
    }
    if (!mayUse(tool, caller)) {
      return fail(
        'denied',
        'write_role_required',
        `Tool ${name} changes data and needs the 'write' role; your token's roles: ${caller.roles.join(', ') || 'none'}.`,
      );
    }
    if (!argsAreObject) {
      return fail(
        'error',
        'invalid_arguments',
        `Invalid arguments for ${name}: \`arguments\` must be a JSON object of named arguments (e.g. {"limit": 10}), not ${describeJsonType(rawArgs)}. Call ${name} again with an object (the tool's input schema lists every argument).`,
      );
    }
    const parsed = inputSchemaOf(tool.input).safeParse(args);
    if (!parsed.success) return fail('error', 'invalid_arguments', formatZodIssues(name, parsed.error));
    const unstorable = findUnstorableText(parsed.data);
    if (unstorable) return fail('error', 'unstorable_text', formatUnstorableText(name, unstorable));

    const progressToken = extra._meta?.progressToken;
    const ctx: ToolContext = {
      ...resourceContext(extra.authInfo, extra.sessionId),
      caller,
      tenant,
      signal: extra.signal,
      async progress(progress, total, message) {
        if (progressToken === undefined) return;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: {
            progressToken,
            progress,
            ...(total !== undefined ? { total } : {}),
            ...(message ? { message } : {}),
          },
        });
      },
    };
    try {
      const result = await runWithReadOnlyRetry(
        tool,
        () => tool.handler(parsed.data, ctx),
        extra.signal,
        runtime.logger,
      );
      const checked = z.object(tool.output).safeParse(result.structured);
      if (!checked.success) {
        runtime.logger.error('tool answer does not match its output schema', {
          tool: name,
          issues: checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
        });
        return fail(
          'error',
          'output_schema_mismatch',
          `${name} produced an answer that does not match its declared schema. This is an error in Sophia; the server log has the details.`,
        );
      }
      const tokens = estimateTokens(result.text) + estimateTokens(JSON.stringify(checked.data));
      if (tokens > HARD_CAP_TOKENS) {
        return fail(
          'error',
          'token_cap_exceeded',
          `${name}'s answer would be about ${tokens} tokens, over the ${HARD_CAP_TOKENS}-token cap. Narrow the request (filters, a smaller limit, detail "summary") and call again.`,
        );
      }
      audit('ok');
      const notice = def.readsTenantData
        ? await tenantNotice(tenant, caller.transport !== 'http')
        : undefined;
      return {
        content: [
          { type: 'text', text: result.text },
          ...(notice ? [{ type: 'text' as const, text: notice }] : []),
        ],
        structuredContent: checked.data,
      };
    } catch (err) {
      const { message, callerFault } = toCallerMessage(name, err);
      if (!callerFault) {
        runtime.logger.error('tool failed', {
          tool: name,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      return fail('error', errorClassOf(err), message);
    }
  });

  for (const resource of def.resources ?? []) {
    const meta = { title: resource.title, description: resource.description, mimeType: resource.mimeType };
    if (resource.uri !== undefined) {
      server.registerResource(resource.name, resource.uri, meta, async (uri, extra) => {
        const content = await resource.read(uri, {}, resourceContext(extra.authInfo, extra.sessionId));
        return {
          contents: [{ uri: uri.href, mimeType: content.mimeType ?? resource.mimeType, text: content.text }],
        };
      });
    } else {
      // Completions are answered by Sophia's own completion/complete handler (below), with the caller's auth.
      const template = new ResourceTemplate(resource.template, {
        list: resource.list
          ? async (extra) => ({
              resources: (await resource.list!(resourceContext(extra.authInfo, extra.sessionId))).map(
                (r) => ({
                  ...r,
                  mimeType: r.mimeType ?? resource.mimeType,
                }),
              ),
            })
          : undefined,
      });
      server.registerResource(resource.name, template, meta, async (uri, variables, extra) => {
        const vars = Object.fromEntries(
          Object.entries(variables).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : String(v)]),
        );
        const content = await resource.read(uri, vars, resourceContext(extra.authInfo, extra.sessionId));
        return {
          contents: [{ uri: uri.href, mimeType: content.mimeType ?? resource.mimeType, text: content.text }],
        };
      });
    }
  }

  if (def.resources?.length) {
    // McpServer has no subscription handling: remember what the client watches, and for which tenant;
    // servers that see changes (e.g. the knowledge base's file watcher) call notifyResourceUpdated.
    const subscriptions = new Map<string, Set<string>>();
    server.server.setRequestHandler(SubscribeRequestSchema, async (req, extra) => {
      requireAuth(runtime, extra.authInfo, 'resources/subscribe');
      const { tenant } = resourceContext(extra.authInfo, extra.sessionId);
      const tenants = subscriptions.get(req.params.uri) ?? new Set<string>();
      tenants.add(tenant);
      subscriptions.set(req.params.uri, tenants);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, async (req, extra) => {
      requireAuth(runtime, extra.authInfo, 'resources/unsubscribe');
      const { tenant } = resourceContext(extra.authInfo, extra.sessionId);
      const tenants = subscriptions.get(req.params.uri);
      tenants?.delete(tenant);
      if (!tenants?.size) subscriptions.delete(req.params.uri);
      return {};
    });
    subscriptionsOf.set(server, subscriptions);
    liveServers.add(server);
    const previous = server.server.onclose;
    server.server.onclose = () => {
      liveServers.delete(server);
      previous?.();
    };
  }

  for (const prompt of def.prompts ?? []) {
    const argsSchema: Record<string, z.ZodType<string | undefined>> = { ...prompt.args };
    server.registerPrompt(
      prompt.name,
      { title: prompt.title, description: prompt.description, argsSchema },
      async (args: Record<string, string | undefined>, extra) => {
        const messages = await prompt.render(args, resourceContext(extra.authInfo, extra.sessionId));
        return {
          description: prompt.description,
          messages: messages.map((m) => ({ role: m.role, content: { type: 'text' as const, text: m.text } })),
        };
      },
    );
  }
  if (hasCompletions) {
    // completion/complete runs like a tool call: as the caller, for the caller's tenant (the SDK's own
    // handler has no auth: completions used to run as the loopback admin on the default tenant).
    server.server.setRequestHandler(
      CompleteRequestSchema,
      async (request, extra): Promise<CompleteResult> => {
        requireAuth(runtime, extra.authInfo, 'completion/complete');
        const { ref, argument } = request.params;
        let fn: ((value: string, ctx: ResourceContext) => Promise<string[]>) | undefined;
        if (ref.type === 'ref/resource') {
          const resource = (def.resources ?? []).find(
            (r): r is TemplateResource => r.template !== undefined && r.template === ref.uri,
          );
          if (!resource) {
            if ((def.resources ?? []).some((r) => r.uri === ref.uri)) return { completion: { values: [] } };
            throw new McpError(ErrorCode.InvalidParams, `Resource template ${ref.uri} not found`);
          }
          fn = resource.complete?.[argument.name];
        } else if (ref.type === 'ref/prompt') {
          const prompt = (def.prompts ?? []).find((p) => p.name === ref.name);
          if (!prompt) throw new McpError(ErrorCode.InvalidParams, `Prompt ${ref.name} not found`);
          fn = (prompt.complete as Record<string, typeof fn> | undefined)?.[argument.name];
        } else {
          throw new McpError(ErrorCode.InvalidParams, 'Invalid completion reference');
        }
        if (!fn) return { completion: { values: [] } };
        const values = await fn(
          String(argument.value ?? ''),
          resourceContext(extra.authInfo, extra.sessionId),
        );
        return {
          completion: { values: values.slice(0, 100), total: values.length, hasMore: values.length > 100 },
        };
      },
    );
  }
  return server;
}

/** A tool as tools/list lists it: name, title, description, lean input and output schemas, annotations. */
export function listedTool(tool: AnyTool): ListToolsResult['tools'][number] {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: listedInputSchema(
      inputSchemaOf(tool.input),
    ) as ListToolsResult['tools'][number]['inputSchema'],
    outputSchema: listedOutputSchema(
      z.object(tool.output),
    ) as ListToolsResult['tools'][number]['inputSchema'],
    annotations: { title: tool.title, ...tool.annotations },
  };
}

/** Whether this runtime verifies bearer tokens (then every HTTP request must carry verified auth). */
export function verifierConfigured(config: SophiaConfig): boolean {
  return !config.auth.disabled && Boolean(config.auth.jwtSecret || config.auth.jwksUrl);
}

/**
 * Refuses a request over HTTP without verified auth when a verifier is configured (the bearer middleware
 * already does; this is the second line, so nothing ever runs as the loopback admin by omission).
 */
function requireAuth(runtime: RuntimeContext, authInfo: unknown, what: string): void {
  if (runtime.transport === 'http' && !authInfo && verifierConfigured(runtime.config)) {
    throw new McpError(ErrorCode.InvalidRequest, `${what} needs an authenticated caller (a bearer token)`);
  }
}

/** Per connected server (one per session over HTTP): subscribed URI -> the tenants that subscribed to it. */
const subscriptionsOf = new WeakMap<McpServer, Map<string, Set<string>>>();
const liveServers = new Set<McpServer>();

/**
 * Tells the connected clients subscribed to `uri` that the resource changed: with `tenant`, only clients
 * subscribed as that tenant (a tenant's own document: another tenant learns nothing of it, even when it
 * asked about the same URI); without, every subscriber (shared data).
 */
export async function notifyResourceUpdated(uri: string, tenant?: string): Promise<void> {
  for (const server of liveServers) {
    const tenants = subscriptionsOf.get(server)?.get(uri);
    if (!tenants || (tenant !== undefined && !tenants.has(tenant))) continue;
    await server.server.sendResourceUpdated({ uri }).catch(() => undefined);
  }
}
