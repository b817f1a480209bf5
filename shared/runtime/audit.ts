import type { SophiaDatabase } from '../db/database.js';
import { DatabaseUnavailableError, isConnectionError } from '../db/resilient-pool.js';
import type { Logger } from '../log/logger.js';
import { canonicalJson, sha256Hex } from '../util/canonical-json.js';

/**
 * The audit log: every tool call is recorded (caller, tool, argument digest, outcome, error class, latency).
 * Arguments themselves are not stored (they may hold personal data or secrets), and neither is error text
 * (it can echo arguments): the row has the SHA-256 digest of the arguments, so a call can be matched to a
 * known request, and the class of the error (`invalid_arguments`, `sqlstate:22P02`, `internal:TypeError`...).
 *
 * Writes are batched off the request path, one transaction per tenant. A batch that loses its connection is
 * retried with the next flush (at most MAX_ATTEMPTS times); a batch the database refuses for its data (an
 * unknown tenant's foreign key, a value it cannot store) is retried row by row, so one bad row is dropped
 * (and logged) without blocking or duplicating the others. `close()` flushes what is queued (shutdown).
 */
export interface AuditEntry {
  tenant: string;
  server: string;
  tool: string;
  caller: string;
  transport: string;
  sessionId?: string | undefined;
  args: unknown;
  outcome: 'ok' | 'error' | 'denied';
  /** The error's class, never its text: see errorClassOf in errors.ts. */
  errorClass?: string | undefined;
  latencyMs: number;
}

export function argumentDigest(args: unknown): string {
  return sha256Hex(canonicalJson(args ?? {}));
}

type Pending = Omit<AuditEntry, 'args'> & { digest: string; at: Date; attempts: number };

const MAX_QUEUE = 10_000;
const MAX_ATTEMPTS = 20;

export class AuditLog {
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #dropped = 0;

  constructor(
    private readonly database: () => Promise<SophiaDatabase>,
    private readonly logger: Logger,
    private readonly delayMs = 200,
  ) {}

  record(entry: AuditEntry): void {
    const { args, ...rest } = entry;
    this.#pending.push({ ...rest, digest: argumentDigest(args), at: new Date(), attempts: 0 });
    if (this.#pending.length > MAX_QUEUE) this.#pending.splice(0, this.#pending.length - MAX_QUEUE);
    this.#schedule();
  }

  /** Entries waiting to be written (for health checks and tests). */
  get pending(): number {
    return this.#pending.length;
  }

  /** Entries given up on since start (refused by the database, or unwritable after every retry). */
  get dropped(): number {
    return this.#dropped;
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes everything recorded so far. */
  async flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    const byTenant = new Map<string, Pending[]>();
    for (const e of batch) byTenant.set(e.tenant, [...(byTenant.get(e.tenant) ?? []), e]);
    const retry: Pending[] = [];
    let sophia: SophiaDatabase;
    try {
      sophia = await this.database();
    } catch (err) {
      this.#requeue(batch, err);
      return;
    }
    for (const [tenant, entries] of byTenant) {
      try {
        await this.#insert(sophia, tenant, entries);
      } catch (err) {
        if (isRetryable(err)) {
          retry.push(...entries);
          continue;
        }
        // The database refused the data: find the bad rows one by one; the others are written once.
        for (const entry of entries) {
          try {
            await this.#insert(sophia, tenant, [entry]);
          } catch (rowErr) {
            if (isRetryable(rowErr)) retry.push(entry);
            else this.#drop([entry], rowErr);
          }
        }
      }
    }
    if (retry.length) this.#requeue(retry, undefined);
  }

  async #insert(sophia: SophiaDatabase, tenant: string, entries: Pending[]): Promise<void> {
    await sophia.withTenant(tenant, (trx) =>
      trx
        .insertInto('audit_log')
        .values(
          entries.map((e) => ({
            tenant_id: tenant,
            at: e.at,
            server: e.server,
            tool: e.tool,
            caller: e.caller,
            transport: e.transport,
            session_id: e.sessionId ?? null,
            argument_digest: e.digest,
            outcome: e.outcome,
            error: e.errorClass ? e.errorClass.slice(0, 200) : null,
            latency_ms: Math.round(e.latencyMs),
          })),
        )
        .execute(),
    );
  }

  #requeue(entries: Pending[], err: unknown): void {
    const again = entries.map((e) => ({ ...e, attempts: e.attempts + 1 }));
    const kept = again.filter((e) => e.attempts < MAX_ATTEMPTS);
    if (kept.length < again.length)
      this.#drop(
        again.filter((e) => e.attempts >= MAX_ATTEMPTS),
        err,
      );
    this.logger.warn('could not write audit entries; will retry', {
      entries: kept.length,
      ...(err ? { error: describe(err) } : {}),
    });
    this.#pending = [...kept, ...this.#pending].slice(-MAX_QUEUE);
    if (this.#pending.length) this.#schedule();
  }

  #drop(entries: Pending[], err: unknown): void {
    this.#dropped += entries.length;
    this.logger.error('audit entries dropped: the database refused them', {
      entries: entries.length,
      tenants: [...new Set(entries.map((e) => e.tenant))].join(','),
      error: describe(err),
    });
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    if (this.#pending.length) {
      // One more try for entries requeued by that flush (a dropped connection that came back).
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.flush();
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length) {
      this.logger.error('audit entries not written at shutdown', { entries: this.#pending.length });
    }
  }
}

function isRetryable(err: unknown): boolean {
  return err instanceof DatabaseUnavailableError || isConnectionError(err);
}

/** The error's class and SQLSTATE, for the log (its text can hold a tenant id but never arguments). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return `${err.name}${typeof code === 'string' ? ` (${code})` : ''}: ${err.message.slice(0, 200)}`;
}
