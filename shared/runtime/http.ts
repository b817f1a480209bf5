import { randomUUID } from 'node:crypto';
import { createServer, type Server as NodeHttpServer } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createTokenVerifier } from './auth.js';
import { buildServer } from './build-server.js';
import type { ProcessRuntime } from './runtime-context.js';
import type { ServerDefinition } from './server-definition.js';
import { SessionTable } from './sessions.js';

/**
 * Streamable HTTP: POST/GET/DELETE /mcp (stateful sessions keyed by mcp-session-id, or a stateless mode for
 * load balancers), GET /healthz. Host and Origin headers are validated (DNS-rebinding protection); bearer
 * tokens are required unless the server listens on loopback only and no token verifier is configured.
 */
export interface HttpOptions {
  host: string;
  port: number;
  stateless: boolean;
  /** Sessions idle for longer are closed. */
  sessionIdleMs?: number;
}

export interface RunningHttp {
  port: number;
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export class HttpStartError extends Error {
  override name = 'HttpStartError';
}

/** A listen failure as a start-up error that names the address and says what to do. */
export function listenError(err: unknown, host: string, port: number): HttpStartError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE')
    return new HttpStartError(
      `port ${port} on ${host} is already in use (another server, or another copy of this one); choose another with --port`,
    );
  if (code === 'EACCES')
    return new HttpStartError(`not allowed to listen on port ${port} on ${host}; use a port above 1023`);
  if (code === 'EADDRNOTAVAIL')
    return new HttpStartError(`${host} is not an address of this machine; choose another with --host`);
  return new HttpStartError(
    `cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`,
  );
}

function jsonRpcError(res: Response, status: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

export async function startHttp(
  def: ServerDefinition,
  rt: ProcessRuntime,
  opts: HttpOptions,
): Promise<RunningHttp> {
  const { config, logger } = rt;
  const loopback = LOOPBACK.has(opts.host);
  const allowedHosts = config.http.allowedHosts;
  if (!loopback && allowedHosts.length === 0) {
    throw new HttpStartError(
      `listening on ${opts.host} needs SOPHIA_ALLOWED_HOSTS (the host names clients use), for DNS-rebinding protection`,
    );
  }
  const verifier = config.auth.disabled ? undefined : createTokenVerifier(config);
  if (!verifier) {
    if (!loopback) {
      throw new HttpStartError(
        `an HTTP server on ${opts.host} must authenticate callers: set SOPHIA_AUTH_JWT_SECRET or SOPHIA_AUTH_JWKS_URL` +
          (config.auth.disabled ? ' and unset SOPHIA_AUTH_DISABLED' : ''),
      );
    }
    logger.warn(
      'authentication is OFF: this server listens on loopback only; set SOPHIA_AUTH_JWT_SECRET or SOPHIA_AUTH_JWKS_URL to require bearer tokens',
    );
  }

  const app = createMcpExpressApp({ host: opts.host, ...(allowedHosts.length ? { allowedHosts } : {}) });
  const originCheck: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (!origin) return next();
    let host: string;
    try {
      host = new URL(origin).hostname;
    } catch {
      return jsonRpcError(res, 403, `Invalid Origin header: ${origin}`);
    }
    const allowed =
      config.http.allowedOrigins.includes(origin) ||
      (loopback && (LOOPBACK.has(host) || host === '[::1]')) ||
      allowedHosts.includes(host);
    return allowed ? next() : jsonRpcError(res, 403, `Origin not allowed: ${origin}`);
  };
  const auth: RequestHandler = verifier
    ? requireBearerAuth({ verifier })
    : (_req: Request, _res: Response, next: NextFunction) => next();

  const sessions = new SessionTable<{ transport: StreamableHTTPServerTransport; server: McpServer }>({
    maxTotal: config.http.maxSessions,
    maxPerCaller: config.http.maxSessionsPerCaller,
    idleMs: opts.sessionIdleMs ?? config.http.sessionIdleSeconds * 1000,
  });
  const closeSessions = (entries: Array<{ value: { transport: StreamableHTTPServerTransport } }>) => {
    for (const e of entries) void e.value.transport.close().catch(() => undefined);
  };
  const ownerOf = (req: Request) =>
    (req as Request & { auth?: { clientId?: string } }).auth?.clientId ?? 'anonymous';
  /** The caller of a /healthz request when it proves who it is (or anyone when authentication is off). */
  const healthCaller = async (req: Request): Promise<string | undefined> => {
    if (!verifier) return 'anonymous';
    const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return undefined;
    try {
      return (await verifier.verifyAccessToken(match[1]!.trim())).clientId;
    } catch {
      return undefined;
    }
  };

  // The limits are public; how many sessions are open is told only to an authenticated caller.
  app.get('/healthz', async (req, res) => {
    const caller = await healthCaller(req);
    const limits = {
      maxSessions: sessions.limits.maxTotal,
      maxSessionsPerCaller: sessions.limits.maxPerCaller,
      sessionIdleSeconds: Math.round(sessions.limits.idleMs / 1000),
    };
    res.json({
      status: 'ok',
      server: def.name,
      version: def.version,
      mode: opts.stateless ? 'stateless' : 'stateful',
      sessions:
        caller === undefined
          ? limits
          : { ...limits, open: sessions.size, openForYou: sessions.countFor(caller) },
    });
  });

  const handleStateless = async (req: Request, res: Response) => {
    const server = buildServer(def, rt.contextFor('http'));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };

  const handleStateful = async (req: Request, res: Response) => {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.peek(sessionId);
      if (!session)
        return jsonRpcError(res, 404, 'Session not found: start a new session with an initialize request');
      if (session.owner !== ownerOf(req))
        return jsonRpcError(res, 403, 'This session belongs to another caller');
      sessions.touch(sessionId);
      return session.value.transport.handleRequest(req, res, req.body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) {
      return jsonRpcError(
        res,
        400,
        'Bad Request: send an initialize request first, or the mcp-session-id header of your session',
      );
    }
    const owner = ownerOf(req);
    closeSessions(sessions.takeExpired());
    const admission = sessions.admit(owner);
    if (!admission.ok) {
      logger.warn('refused a new HTTP session (limit reached)', { caller: owner, status: admission.status });
      res.setHeader('Retry-After', String(admission.retryAfterSeconds));
      return jsonRpcError(res, admission.status, admission.message);
    }
    const server = buildServer(def, rt.contextFor('http'));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => admission.commit(id, { transport, server }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } finally {
      admission.cancel(); // a no-op once the session was created
    }
  };

  const handler: RequestHandler = (req, res) => {
    const run = opts.stateless
      ? req.method === 'POST'
        ? handleStateless(req, res)
        : Promise.resolve(jsonRpcError(res, 405, 'This server is stateless: only POST /mcp is supported'))
      : handleStateful(req, res);
    run.catch((err: unknown) => {
      logger.error('HTTP request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) jsonRpcError(res, 500, 'Internal server error');
    });
  };
  app.all('/mcp', originCheck, auth, handler);

  const sweeper = setInterval(
    () => closeSessions(sessions.takeExpired()),
    Math.max(250, Math.min(60_000, sessions.limits.idleMs / 2)),
  );
  sweeper.unref();

  // Not app.listen: Express 5 passes a listen error to its callback, which looked like success (a port in use
  // logged `ready` and the process exited 0).
  const httpServer: NodeHttpServer = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(opts.port, opts.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(sweeper);
    throw listenError(err, opts.host, opts.port);
  }
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    port,
    url: `http://${hostForUrl}:${port}/mcp`,
    async close() {
      clearInterval(sweeper);
      for (const s of sessions.takeAll()) await s.value.transport.close().catch(() => undefined);
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await closed;
    },
  };
}
