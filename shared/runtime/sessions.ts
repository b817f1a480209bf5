/**
 * The stateful HTTP sessions of one server process, with limits: at most `maxPerCaller` open sessions per
 * caller (the token's subject) and `maxTotal` in all, and a session unused for `idleMs` is closed. A new
 * session is admitted by reserving a slot first (so concurrent initialize requests cannot overshoot a
 * limit), then committing it under its id once the SDK has created it, or cancelling the reservation.
 * Pure bookkeeping with an injected clock; closing transports is the HTTP layer's job.
 */
export interface SessionLimits {
  maxTotal: number;
  maxPerCaller: number;
  idleMs: number;
}

export interface SessionEntry<S> {
  value: S;
  owner: string;
  lastSeen: number;
}

export type Admission<S> =
  | { ok: true; commit(id: string, value: S): void; cancel(): void }
  | { ok: false; status: 429 | 503; message: string; retryAfterSeconds: number };

export class SessionTable<S> {
  readonly #entries = new Map<string, SessionEntry<S>>();
  readonly #perOwner = new Map<string, number>();
  #reserved = 0;

  constructor(
    readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  countFor(owner: string): number {
    return this.#perOwner.get(owner) ?? 0;
  }

  #bump(owner: string, by: number): void {
    const n = (this.#perOwner.get(owner) ?? 0) + by;
    if (n <= 0) this.#perOwner.delete(owner);
    else this.#perOwner.set(owner, n);
  }

  /** Seconds until the oldest idle session (of `owner`, or of anyone) expires: when to try again. */
  #retryAfter(owner?: string): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const e of this.#entries.values()) {
      if (owner === undefined || e.owner === owner) oldest = Math.min(oldest, e.lastSeen);
    }
    if (!Number.isFinite(oldest)) return 1;
    return Math.max(1, Math.ceil((oldest + this.limits.idleMs - this.now()) / 1000));
  }

  /** Reserves a slot for a new session of `owner`, or says why not (and when to try again). */
  admit(owner: string): Admission<S> {
    const idleSeconds = Math.round(this.limits.idleMs / 1000);
    if (this.countFor(owner) >= this.limits.maxPerCaller) {
      return {
        ok: false,
        status: 429,
        retryAfterSeconds: this.#retryAfter(owner),
        message:
          `Too many open sessions for this caller (the limit is ${this.limits.maxPerCaller}): reuse a session ` +
          `(its mcp-session-id), end unused ones with DELETE /mcp, or wait; sessions unused for ${idleSeconds} s close by themselves.`,
      };
    }
    if (this.#entries.size + this.#reserved >= this.limits.maxTotal) {
      return {
        ok: false,
        status: 503,
        retryAfterSeconds: this.#retryAfter(),
        message: `This server has as many open sessions as it allows; try again later (unused sessions close after ${idleSeconds} s).`,
      };
    }
    this.#reserved++;
    this.#bump(owner, 1);
    let settled = false;
    return {
      ok: true,
      commit: (id, value) => {
        if (settled) return;
        settled = true;
        this.#reserved--;
        this.#entries.set(id, { value, owner, lastSeen: this.now() });
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        this.#reserved--;
        this.#bump(owner, -1);
      },
    };
  }

  /** The session `id`, without marking it as used. */
  peek(id: string): SessionEntry<S> | undefined {
    return this.#entries.get(id);
  }

  /** The session `id`, marked as used now. */
  touch(id: string): SessionEntry<S> | undefined {
    const e = this.#entries.get(id);
    if (e) e.lastSeen = this.now();
    return e;
  }

  delete(id: string): SessionEntry<S> | undefined {
    const e = this.#entries.get(id);
    if (!e) return undefined;
    this.#entries.delete(id);
    this.#bump(e.owner, -1);
    return e;
  }

  /** Removes and returns the sessions unused for longer than the idle limit. */
  takeExpired(): Array<SessionEntry<S>> {
    const now = this.now();
    const out: Array<SessionEntry<S>> = [];
    for (const [id, e] of this.#entries) {
      if (now - e.lastSeen > this.limits.idleMs) {
        this.delete(id);
        out.push(e);
      }
    }
    return out;
  }

  /** Removes and returns every session (shutdown). */
  takeAll(): Array<SessionEntry<S>> {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    this.#perOwner.clear();
    return all;
  }
}
