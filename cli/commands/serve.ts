import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Command } from 'commander';
import { runServerMain } from '../../shared/runtime/run.js';
import { loadServer, SERVERS } from '../servers.js';
import { cliConfig } from '../run.js';
import { mcpConfigEnv } from '../mcp-config-env.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
// From dist/cli/commands (built) or cli/commands (sources): the checkout root is the first with package.json.
const root = existsSync(`${repoRoot}package.json`)
  ? repoRoot
  : fileURLToPath(new URL('../../../', import.meta.url));

function serveHelp(): string {
  return [
    'Usage: sophia serve <server> [options]',
    '',
    'Runs one MCP server: over stdio by default (what Claude Desktop and Claude Code start), or over',
    'Streamable HTTP with --http.',
    '',
    `Servers: ${Object.keys(SERVERS).join(', ')}`,
    '',
    'Options:',
    '  --http             serve Streamable HTTP instead of stdio',
    '  --port N           HTTP port, 0-65535 (default 8765; 0 picks a free one)',
    '  --host ADDR        HTTP address (default 127.0.0.1)',
    '  --stateless        HTTP without sessions',
    '  --read-only        hide and refuse write tools',
    "  --toolsets a,b     enable these toolsets ('all' for every one); see `sophia serve <server> --help`",
    '',
    'Configuration comes from the environment (SOPHIA_HOME, DATABASE_URL, SOPHIA_TENANT, ...): see the README.',
    '',
  ].join('\n');
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Run an MCP server (stdio by default; --http for Streamable HTTP)')
    .argument('<server>', `one of: ${Object.keys(SERVERS).join(', ')}`)
    .allowUnknownOption(true)
    .helpOption(false)
    .argument(
      '[options...]',
      'server options: --http --port N --host ADDR --stateless --read-only --toolsets a,b',
    )
    .action(async (name: string, options: string[]) => {
      if (name === '--help' || name === '-h' || name === 'help') {
        process.stdout.write(serveHelp());
        return;
      }
      await runServerMain(await loadServer(name), options);
    });

  program
    .command('mcp-config')
    .description(
      "Print an mcpServers block for Claude Desktop / Claude Code with this checkout's absolute paths",
    )
    .action(() => {
      const { env, used } = mcpConfigEnv(process.env);
      const servers: Record<string, unknown> = {};
      for (const name of Object.keys(SERVERS)) {
        servers[`sophia-${name}`] = {
          command: process.execPath,
          args: [`${root}bin/sophia.js`, 'serve', name],
          env,
        };
      }
      process.stdout.write(`${JSON.stringify({ mcpServers: servers }, null, 2)}\n`);
      process.stderr.write(`${used}\n`);
    });

  program
    .command('doctor')
    .description('Check the set-up end to end: database, schema, and every server through a real MCP client')
    .action(async () => {
      const config = cliConfig();
      process.stdout.write(
        `database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.home}`}\ntenant: ${config.tenant}\n`,
      );
      for (const name of Object.keys(SERVERS)) {
        const t0 = performance.now();
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [`${root}bin/sophia.js`, 'serve', name],
          env: process.env as Record<string, string>,
          stderr: 'ignore',
        });
        const client = new Client({ name: 'sophia-doctor', version: '0.1.0' });
        await client.connect(transport);
        const tools = await client.listTools();
        let line = `${name}: ${tools.tools.length} tool(s)`;
        if (name === 'data-dictionary') {
          const r = await client.callTool({
            name: 'describe_schema',
            arguments: { countRows: false, limit: 100 },
          });
          if (r.isError) throw new Error(`describe_schema failed: ${JSON.stringify(r.content)}`);
          const s = r.structuredContent as {
            totalMatched: number;
            engine: { kind: string; version: string };
          };
          line += `, describe_schema sees ${s.totalMatched} tables on ${s.engine.kind} ${s.engine.version}`;
        }
        await client.close();
        process.stdout.write(`${line} (${Math.round(performance.now() - t0)} ms)\n`);
      }
    });
}
