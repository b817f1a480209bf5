import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/**
 * A chaos run: several real MCP clients keep calling a tool of one server over Streamable HTTP while the
 * database connection is killed on a schedule. Every call is classified:
 *  - ok: an answer;
 *  - clear error: an isError result saying the database could not be reached or the connection was lost
 *    (what the caller should do: try again);
 *  - unclear error: any other isError (e.g. "an error in Sophia");
 *  - protocol error: a JSON-RPC error, a transport failure or no answer within `callBoundMs`.
 * For each kill, `restoreMs` is how long after the database was back (`databaseBack` resolved) the first call
 * succeeded. Used by test/resilience/chaos.test.ts (short schedule) and bench/chaos.ts (longer, prints numbers).
 */
export interface ChaosOptions {
  url: string;
  clients: number;
  tool: string;
  args: Record<string, unknown>;
  /** Pause between one client's calls. */
  pauseMs: number;
  /** A call not answered within this is a failure. */
  callBoundMs: number;
  kills: number;
  /** Time between the service being restored and the next kill. */
  steadyMs: number;
  /** Kills the database connection(s); resolves when done, with what to wait for: the database back. */
  kill(): Promise<{ databaseBack: Promise<number> }>;
  /** How long to wait for service after the database is back before calling the run a failure. */
  restoreBoundMs: number;
  headers?: Record<string, string>;
}

export interface CallRecord {
  client: number;
  startedAt: number;
  endedAt: number;
  outcome: 'ok' | 'clear-error' | 'unclear-error' | 'protocol-error';
  text: string;
}

export interface ChaosResult {
  calls: CallRecord[];
  kills: Array<{
    killedAt: number;
    backAt: number;
    restoredAt: number | undefined;
    restoreMs: number | undefined;
  }>;
  counts: Record<CallRecord['outcome'], number>;
  maxLatencyMs: number;
  p95LatencyMs: number;
  durationMs: number;
}

const CLEAR = /could not reach the database|lost its database connection|database is not reachable/i;

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const calls: CallRecord[] = [];
  const clients: Client[] = [];
  for (let i = 0; i < o.clients; i++) {
    const client = new Client({ name: `chaos-${i}`, version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(o.url), { requestInit: { headers: o.headers ?? {} } }),
    );
    clients.push(client);
  }
  let stop = false;
  const started = Date.now();
  const loop = async (i: number) => {
    const client = clients[i]!;
    while (!stop) {
      const startedAt = Date.now();
      let outcome: CallRecord['outcome'];
      let text = '';
      try {
        const r = await client.callTool({ name: o.tool, arguments: o.args }, undefined, {
          timeout: o.callBoundMs,
        });
        text = (r.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');
        outcome = !r.isError ? 'ok' : CLEAR.test(text) ? 'clear-error' : 'unclear-error';
      } catch (err) {
        outcome = 'protocol-error';
        text = err instanceof Error ? err.message : String(err);
      }
      calls.push({ client: i, startedAt, endedAt: Date.now(), outcome, text: text.slice(0, 300) });
      await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  };
  const loops = clients.map((_, i) => loop(i));

  const firstOkAfter = async (t: number, boundMs: number): Promise<number | undefined> => {
    const deadline = t + boundMs;
    for (;;) {
      const ok = calls.find((c) => c.outcome === 'ok' && c.endedAt >= t);
      if (ok) return ok.endedAt;
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const kills: ChaosResult['kills'] = [];
  try {
    // Service must be up before the first kill.
    if ((await firstOkAfter(Date.now(), o.callBoundMs * 3)) === undefined) {
      throw new Error(`no call succeeded before the first kill: ${JSON.stringify(calls.slice(-3))}`);
    }
    for (let k = 0; k < o.kills; k++) {
      const killedAt = Date.now();
      const { databaseBack } = await o.kill();
      const backAt = await databaseBack;
      // Measured from max(back, kill): a call that succeeded before the kill does not count.
      const from = Math.max(backAt, killedAt);
      const restoredAt = await firstOkAfter(from, o.restoreBoundMs * 3);
      kills.push({
        killedAt,
        backAt,
        restoredAt,
        restoreMs: restoredAt === undefined ? undefined : restoredAt - from,
      });
      if (restoredAt === undefined) break;
      await new Promise((r) => setTimeout(r, o.steadyMs));
    }
  } finally {
    stop = true;
    await Promise.all(loops);
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
  const counts = { ok: 0, 'clear-error': 0, 'unclear-error': 0, 'protocol-error': 0 };
  for (const c of calls) counts[c.outcome]++;
  const latencies = calls.map((c) => c.endedAt - c.startedAt).sort((a, b) => a - b);
  return {
    calls,
    kills,
    counts,
    maxLatencyMs: latencies.at(-1) ?? 0,
    p95LatencyMs: latencies[Math.floor(latencies.length * 0.95)] ?? 0,
    durationMs: Date.now() - started,
  };
}
