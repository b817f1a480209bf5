import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVERS } from '../../cli/servers.js';
import { createTestDatabase, type TestDatabase, testEngines } from '../support/engines.js';
import { type FuzzTool, fuzzTools, hostileValue } from '../support/fuzz.js';
import { connectInMemory } from '../support/mcp.js';

/**
 * Issue 11, "done means": a fuzz test per server from its input schemas (fast-check). Each server's tools get
 * CASES generated calls through a real MCP client on each engine; 0 faults allowed (no JSON-RPC internal
 * error, no "error in Sophia", no raw SQLSTATE, no broken output schema). Counts stay modest here; larger
 * runs with printed numbers: `npx tsx bench/fuzz.ts`. FUZZ_SEED reproduces a run (fast-check prints it).
 * Local repository paths are pointed at a scratch repository; tools that reach outside Sophia (openWorldHint:
 * GitHub, a model) are not fuzzed here, so the fuzz never touches this checkout or the network.
 */
const CASES = Number(process.env.FUZZ_CASES ?? 125);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

function scratchRepos(): { empty: string; repo: string } {
  const root = mkdtempSync(join(tmpdir(), 'sophia-fuzz-'));
  const empty = join(root, 'empty');
  mkdirSync(empty);
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'docs'), { recursive: true });
  writeFileSync(join(repo, 'README.md'), '# fuzz\nsee docs/guide.md\n');
  writeFileSync(join(repo, 'docs', 'guide.md'), 'guide\n');
  writeFileSync(join(repo, 'app.ts'), 'export const a = 1;\n');
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'f',
        GIT_AUTHOR_EMAIL: 'f@x',
        GIT_COMMITTER_NAME: 'f',
        GIT_COMMITTER_EMAIL: 'f@x',
      },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  writeFileSync(join(repo, 'app.ts'), 'export const a = 2; // changed\nconsole.log(a)\n');
  return { empty, repo };
}

const engines = testEngines();
describe.each(engines)('fuzz on %s', (engine) => {
  let t: TestDatabase;
  let repos: ReturnType<typeof scratchRepos>;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.tenants('acme');
    repos = scratchRepos();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(Object.keys(SERVERS))(
    '%s: schema-generated calls, 0 faults',
    async (name) => {
      const definition = await SERVERS[name]!();
      const conn = await connectInMemory(definition, {
        database: t.sophia,
        env: {
          SOPHIA_KB_DEFAULT: 'false',
          SOPHIA_KB_WATCH: 'false',
          GITHUB_TOKEN: 'ghp_fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz',
          GITHUB_API_URL: 'http://127.0.0.1:9',
          SOPHIA_LOG_LEVEL: 'error',
        },
      });
      try {
        // Tools that reach outside Sophia (GitHub, a model) are left out: a closed port makes their client retry.
        const tools = (await conn.client.listTools()).tools.filter(
          (tool) => !tool.annotations?.openWorldHint,
        );
        const repoPath = fc.oneof(
          fc.constantFrom(repos.repo, join(repos.repo, 'docs'), repos.empty, join(repos.empty, 'missing')),
          hostileValue(),
        );
        const stats = await fuzzTools(conn.client, tools as FuzzTool[], {
          numRuns: CASES,
          ...(seed !== undefined ? { seed } : {}),
          timeoutMs: 30_000,
          overrides: { '*': { repoPath } },
        });
        process.stderr.write(
          `fuzz ${engine} ${name}: ${stats.cases} cases in ${stats.ms} ms: ${JSON.stringify(stats.outcomes)} rpc codes ${JSON.stringify(stats.rpcCodes)}\n`,
        );
        expect(stats.outcomes.fault).toBe(0);
        expect(stats.cases).toBe(CASES);
      } finally {
        await conn.close();
      }
    },
    180_000,
  );
});
