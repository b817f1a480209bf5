import type { SophiaDatabase } from '../db/database.js';
import type { Logger } from '../log/logger.js';
import { canonicalJson, sha256Hex } from '../util/canonical-json.js';

/**
 * The audit log: every tool call is recorded (caller, tool, argument digest, outcome, latency).
 * Arguments themselves are not stored (they may hold personal data); their SHA-256 digest is, so a call can be
 * matched to a known request. Writes are batched off the request path; a failed write is logged, never shown
 * to the caller, and retried with the next batch.
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
  error?: string | undefined;
  latencyMs: number;
}

export function argumentDigest(args: unknown): string {
  return sha256Hex(canonicalJson(args ?? {}));
}

export class AuditLog {
  #pending: Array<Omit<AuditEntry, 'args'> & { digest: string; at: Date }> = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: () => Promise<SophiaDatabase>,
    private readonly logger: Logger,
    private readonly delayMs = 200,
  ) {}

  record(entry: AuditEntry): void {
    const { args, ...rest } = entry;
    this.#pending.push({ ...rest, digest: argumentDigest(args), at: new Date() });
    if (this.#pending.length > 10_000) this.#pending.splice(0, this.#pending.length - 10_000);
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
    try {
      const sophia = await this.database();
      const byTenant = new Map<string, typeof batch>();
      for (const e of batch) byTenant.set(e.tenant, [...(byTenant.get(e.tenant) ?? []), e]);
      for (const [tenant, entries] of byTenant) {
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
                error: e.error ? e.error.slice(0, 2000) : null,
                latency_ms: Math.round(e.latencyMs),
              })),
            )
            .execute(),
        );
      }
    } catch (err) {
      this.logger.warn('could not write audit entries; will retry', {
        entries: batch.length,
        error: err instanceof Error ? err.message : String(err),
      });
      this.#pending = [...batch, ...this.#pending].slice(-10_000);
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
