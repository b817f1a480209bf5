/**
 * One load-generating process for the embedded-database concurrency and crash tests (and the throughput
 * benchmark). Usage: node embedded-load-worker.js URL WORKER_ID CONNECTIONS OPS_PER_CONNECTION MODE
 *   MODE mixed: reads, writes, read-your-writes, rolled-back and committed transactions, named prepared
 *               statements and an expected error, each result checked; prints a JSON summary on stdout.
 *   MODE writes: inserts until the connection dies, printing `ack <seq>` after each acknowledged commit.
 */
import pg from 'pg';

const [url, workerArg, connsArg, opsArg, mode = 'mixed'] = process.argv.slice(2);
const worker = Number(workerArg);
const connections = Number(connsArg);
const ops = Number(opsArg);

interface Summary {
  worker: number;
  ops: number;
  queries: number;
  wrong: number;
  errors: number;
  committed: number[];
  firstProblems: string[];
  ms: number;
}

const summary: Summary = {
  worker,
  ops: 0,
  queries: 0,
  wrong: 0,
  errors: 0,
  committed: [],
  firstProblems: [],
  ms: 0,
};

function wrong(what: string): void {
  summary.wrong++;
  if (summary.firstProblems.length < 5) summary.firstProblems.push(`wrong: ${what}`);
}

async function runMixed(conn: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = async (text: string | pg.QueryConfig, values?: unknown[]) => {
    summary.queries++;
    return client.query(text as string, values);
  };
  for (let i = 0; i < ops; i++) {
    const seq = conn * 1_000_000 + i;
    const kind = i % 7;
    try {
      if (kind === 0) {
        const r = await q('select $1::int + $2::int as s, $3::text as echo', [
          seq,
          worker,
          `w${worker}-${seq}`,
        ]);
        if (r.rows[0].s !== seq + worker || r.rows[0].echo !== `w${worker}-${seq}`) wrong(`read ${seq}`);
      } else if (kind === 1) {
        const r = await q(
          'insert into load_test (worker, seq, payload) values ($1, $2, $3) returning worker, seq, payload',
          [worker, seq, `p${worker}-${seq}`],
        );
        if (r.rows[0].worker !== worker || r.rows[0].seq !== seq) wrong(`insert ${seq}`);
        else summary.committed.push(seq);
      } else if (kind === 2) {
        const prev = seq - 1;
        const r = await q('select payload from load_test where worker = $1 and seq = $2', [worker, prev]);
        if (r.rows.length !== 1 || r.rows[0].payload !== `p${worker}-${prev}`)
          wrong(`read-own-write ${prev}`);
      } else if (kind === 3) {
        await q('begin');
        await q('insert into load_test (worker, seq, payload) values ($1, $2, $3)', [
          worker,
          -seq - 1,
          'rolled back',
        ]);
        const inside = await q('select count(*)::int as n from load_test where worker = $1 and seq = $2', [
          worker,
          -seq - 1,
        ]);
        if (inside.rows[0].n !== 1) wrong(`tx-inside ${seq}`);
        await q('rollback');
        const after = await q('select count(*)::int as n from load_test where worker = $1 and seq = $2', [
          worker,
          -seq - 1,
        ]);
        if (after.rows[0].n !== 0) wrong(`rollback ${seq}`);
      } else if (kind === 4) {
        await q('begin');
        await q('insert into load_test (worker, seq, payload) values ($1, $2, $3)', [worker, seq, 'tx']);
        await q("update load_test set payload = payload || '-committed' where worker = $1 and seq = $2", [
          worker,
          seq,
        ]);
        await q('commit');
        summary.committed.push(seq);
        const r = await q('select payload from load_test where worker = $1 and seq = $2', [worker, seq]);
        if (r.rows[0]?.payload !== 'tx-committed') wrong(`tx-commit ${seq}`);
      } else if (kind === 5) {
        const r = await q({
          name: `count-${conn}`,
          text: 'select $1::int * 2 as d, count(*)::int >= 0 as ok from load_test where worker = $2',
          values: [seq, worker],
        });
        if (r.rows[0].d !== seq * 2 || r.rows[0].ok !== true) wrong(`prepared ${seq}`);
      } else {
        try {
          await q('select 1 / ($1::int - $1::int) as boom', [seq]);
          wrong(`expected division by zero ${seq}`);
        } catch (err) {
          if ((err as { code?: string }).code !== '22012') throw err;
        }
      }
      summary.ops++;
    } catch (err) {
      summary.errors++;
      if (summary.firstProblems.length < 5) summary.firstProblems.push(`error: ${(err as Error).message}`);
    }
  }
  await client.end();
}

async function runWrites(conn: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  for (let i = 0; i < ops; i++) {
    const seq = conn * 1_000_000 + i;
    try {
      await client.query('insert into load_test (worker, seq, payload) values ($1, $2, $3)', [
        worker,
        seq,
        `crash-${seq}`,
      ]);
      process.stdout.write(`ack ${seq}\n`);
    } catch {
      return;
    }
  }
}

const t0 = Date.now();
const run = mode === 'writes' ? runWrites : runMixed;
await Promise.all(Array.from({ length: connections }, (_, c) => run(c)));
summary.ms = Date.now() - t0;
if (mode !== 'writes') process.stdout.write(`${JSON.stringify(summary)}\n`);
