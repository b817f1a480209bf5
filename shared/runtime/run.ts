import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ConfigError, loadConfig, type SophiaConfig } from '../config/config.js';
import { createLogger, setLogLevel } from '../log/logger.js';
import {
  buildServer,
  defaultToolsetsOf,
  enabledTools,
  notifyResourceUpdated,
  toolsetsOf,
  unknownToolsetsMessage,
} from './build-server.js';
import { createProcessRuntime } from './runtime-context.js';
import type { ServerDefinition } from './server-definition.js';

/**
 * The entry point of every server process (`servers/<name>/main.ts`):
 *   node main.js                 stdio (what Claude Desktop and Claude Code spawn)
 *   node main.js --http [--port 8765] [--host 127.0.0.1] [--stateless]
 *   --read-only                  hide every tool that changes data
 *   --toolsets a,b               only these toolsets (`all`: every one; `default`: the server's defaults)
 * Configuration comes from the environment (see README); a wrong value stops start-up with a clear message.
 */
const USAGE = `options: --http  --port N  --host ADDR  --stateless  --read-only  --toolsets a,b  --help`;

export async function runServerMain(def: ServerDefinition, argv = process.argv.slice(2)): Promise<void> {
  const started = performance.now();
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (err) {
    process.stderr.write(
      `sophia-${def.name}: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`,
    );
    process.exit(64);
  }
  if (values.help) {
    process.stderr.write(`sophia-${def.name}: ${def.title}\n${USAGE}\n${toolsetsHelp(def)}`);
    return;
  }
  const port = parsePort(values.port);
  if (typeof port === 'string') {
    process.stderr.write(`sophia-${def.name}: ${port}\n${USAGE}\n`);
    process.exit(64);
  }
  let config: SophiaConfig;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`sophia-${def.name}: ${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(78);
  }
  if (values['read-only']) config = { ...config, readOnly: true };
  if (values.toolsets)
    config = {
      ...config,
      toolsets: values.toolsets
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    };
  const badToolsets = unknownToolsetsMessage(def, config.toolsets);
  if (badToolsets) {
    process.stderr.write(`sophia-${def.name}: ${badToolsets}\n`);
    process.exit(78);
  }
  setLogLevel(config.logLevel);
  const logger = createLogger(def.name);
  const rt = createProcessRuntime(config, logger);
  const tools = enabledTools(def, config, values.http ? 'http' : 'stdio').length;
  const describe = {
    tenant: config.tenant,
    database: config.databaseUrl ? 'postgres (DATABASE_URL)' : `embedded (${config.home})`,
    readOnly: config.readOnly,
    tools,
  };

  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { reason });
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await rt.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (values.http) {
    try {
      // Loaded only for HTTP: express, the auth middleware and jose are not needed over stdio.
      const { startHttp } = await import('./http.js');
      const http = await startHttp(def, rt, {
        host: values.host ?? '127.0.0.1',
        port,
        stateless: Boolean(values.stateless),
      });
      stops.push(() => http.close());
      logger.info('ready', {
        ...describe,
        transport: 'http',
        url: http.url,
        stateless: Boolean(values.stateless),
        startupMs: Math.round(performance.now() - started),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`sophia-${def.name}: cannot start: ${message}\n`);
      process.exit(78);
    }
  } else {
    const server = buildServer(def, rt.contextFor('stdio'));
    const transport = new StdioServerTransport();
    transport.onclose = () => void shutdown('stdin closed');
    process.stdin.on('end', () => void shutdown('stdin closed'));
    await server.connect(transport);
    stops.push(() => server.close());
    logger.info('ready', {
      ...describe,
      transport: 'stdio',
      startupMs: Math.round(performance.now() - started),
    });
  }

  if (def.start) {
    try {
      const stop = await def.start({
        tenant: config.tenant,
        caller: {
          id: 'system',
          roles: ['admin'],
          canSeePii: true,
          transport: values.http ? 'http' : 'stdio',
        },
        config,
        logger,
        database: rt.database,
        notifyResourceUpdated,
      });
      if (stop) stops.push(stop);
    } catch (err) {
      logger.error('start hook failed; the server keeps running without it', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}

/** `--port`: a whole number 0-65535 (0 = any free port), default 8765; else the message to print. */
export function parsePort(raw: string | undefined): number | string {
  if (raw === undefined) return 8765;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(port) || port > 65535) {
    return `--port must be a whole number from 0 to 65535 (0 picks a free port); got '${raw}'`;
  }
  return port;
}

function toolsetsHelp(def: ServerDefinition): string {
  const sets = toolsetsOf(def);
  if (sets.length === 0) return '';
  const defaults = defaultToolsetsOf(def);
  const off = sets.filter((s) => !defaults.includes(s));
  return `toolsets: ${sets.join(', ')}${off.length > 0 ? ` (default: ${defaults.join(', ')}; --toolsets all for every one)` : ''}\n`;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      http: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      stateless: { type: 'boolean' },
      'read-only': { type: 'boolean' },
      toolsets: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}
