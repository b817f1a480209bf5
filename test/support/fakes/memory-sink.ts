import type { Checkpoint, IncomingRecord, RecordSink, RejectedInput } from '../../../shared/ingest/types.js';

/**
 * An in-memory RecordSink for connector tests: each `write` commits its records and checkpoints together
 * (or, with `failOnWrite`, throws before committing anything, like a crash mid-transaction). Records are
 * kept in arrival order and, per stream, upserted by a key function so reruns can be compared.
 */
export class MemorySink implements RecordSink {
  readonly records: IncomingRecord[] = [];
  readonly states = new Map<string, { state: unknown; cursor: string | null }>();
  readonly rejects: RejectedInput[] = [];
  readonly notes: string[] = [];
  writes = 0;
  /** Throw on the n-th write (1-based) before committing it. */
  failOnWrite: number | undefined;

  constructor(private readonly keyOf: (r: IncomingRecord) => string = (r) => JSON.stringify(r.data)) {}

  async write(records: IncomingRecord[], checkpoints: Checkpoint[] = []): Promise<void> {
    this.writes++;
    if (this.failOnWrite !== undefined && this.writes === this.failOnWrite)
      throw new Error(`simulated crash on write ${this.writes}`);
    this.records.push(...records.map((r) => structuredClone(r)));
    for (const c of checkpoints)
      this.states.set(c.stream, { state: structuredClone(c.state), cursor: c.cursor ?? null });
  }

  async reject(input: RejectedInput) {
    this.rejects.push(input);
  }

  note(message: string): void {
    this.notes.push(message);
  }

  async lastState(stream: string) {
    return this.states.get(stream);
  }

  /** Latest record per (stream, key), like the upserting lander. */
  latest(): Map<string, IncomingRecord> {
    const out = new Map<string, IncomingRecord>();
    for (const r of this.records) out.set(`${r.stream}\u0000${this.keyOf(r)}`, r);
    return out;
  }

  byStream(stream: string): IncomingRecord[] {
    return this.records.filter((r) => r.stream === stream);
  }
}
