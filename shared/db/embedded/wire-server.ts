import { randomInt, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { createLogger, type Logger } from '../../log/logger.js';
import {
  authenticationCleartextPassword,
  authenticationOk,
  backendKeyData,
  CANCEL_REQUEST_CODE,
  closeStatement,
  errorResponse,
  GSSENC_REQUEST_CODE,
  lastReadyStatus,
  parameterStatus,
  ProtocolError,
  readMessage,
  readPassword,
  readStartupPacket,
  readyForQuery,
  rewriteNames,
  simpleQuery,
  SSL_REQUEST_CODE,
  syncMessage,
} from './protocol.js';

/**
 * A PostgreSQL wire-protocol server in front of ONE PGlite instance, correct under concurrent clients.
 *
 * PGlite is a single backend session. Many clients share it safely only if:
 *  1. each client's messages up to Sync / Query (a "unit") run together, never interleaved with another
 *     client's messages (the unnamed statement and portal are shared state);
 *  2. while a client's transaction is open (ReadyForQuery status T or E, or a unit that ended in Flush
 *     without Sync) the session is pinned to that client and every other client waits;
 *  3. named prepared statements and portals are made per-client (prefixed), and a client that leaves
 *     has its transaction rolled back, its statements closed and session settings reset.
 * `@electric-sql/pglite-socket` 0.2.x forwards single messages and only keeps a client's messages together
 * inside a transaction, which mixes up concurrent clients' results; this server schedules whole units.
 */
export interface WireServerOptions {
  /** When set, clients must send this password (cleartext auth over loopback). */
  password?: string;
  /** A client that holds a transaction open without sending anything for this long is disconnected. */
  idleInTransactionTimeoutMs?: number;
  logger?: Logger;
}

interface Unit {
  client: Client;
  bytes: Buffer;
  /** Internal units (cleanup after a client left) produce no output for any socket. */
  internal?: boolean;
}

interface Client {
  id: number;
  socket: net.Socket;
  buf: Buffer;
  phase: 'startup' | 'auth' | 'ready' | 'closed';
  pending: Buffer[];
  statements: Set<string>;
  prefix: string;
  /** When the client's last unit ran (0: it has not run any). */
  lastUnitAt: number;
}

export interface WireServerStats {
  connections: number;
  totalConnections: number;
  units: number;
  queued: number;
  pinnedClient: number | null;
  lastActivityAt: number;
}

const UNIT_END = new Set(['S', 'Q', 'F', 'H', 'c', 'f']);

export class EmbeddedWireServer {
  readonly #db: PGlite;
  readonly #opts: Required<Omit<WireServerOptions, 'password'>> & { password?: string };
  readonly #server: net.Server;
  readonly #clients = new Map<number, Client>();
  readonly #queue: Unit[] = [];
  #pinned: Client | null = null;
  #draining = false;
  #drained: Promise<void> = Promise.resolve();
  #nextId = 1;
  #units = 0;
  #totalConnections = 0;
  #lastActivityAt = Date.now();
  #params: Array<[string, string]> = [];
  #idleTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #fatal: ((err: Error) => void) | undefined;

  constructor(db: PGlite, options: WireServerOptions = {}) {
    this.#db = db;
    this.#opts = {
      idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? 120_000,
      logger: options.logger ?? createLogger('embedded-db'),
      ...(options.password ? { password: options.password } : {}),
    };
    this.#server = net.createServer((socket) => this.#accept(socket));
    this.#server.maxConnections = 500;
  }

  /** Called when the engine itself fails (a PGlite exception): the owner should exit and be replaced. */
  onFatal(handler: (err: Error) => void): void {
    this.#fatal = handler;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const settings = await this.#db.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in
       ('server_version','server_encoding','client_encoding','DateStyle','IntervalStyle','TimeZone',
        'integer_datetimes','standard_conforming_strings')`,
    );
    this.#params = settings.rows.map((r) => [r.name, r.setting]);
    this.#params.push(
      ['application_name', ''],
      ['is_superuser', 'on'],
      ['session_authorization', 'postgres'],
    );
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#idleTimer = setInterval(() => this.#checkIdleTransaction(), 1000);
    this.#idleTimer.unref();
    const address = this.#server.address();
    if (!address || typeof address === 'string') throw new Error('embedded server has no TCP address');
    return address.port;
  }

  stats(): WireServerStats {
    return {
      connections: this.#clients.size,
      totalConnections: this.#totalConnections,
      units: this.#units,
      queued: this.#queue.length,
      pinnedClient: this.#pinned?.id ?? null,
      lastActivityAt: this.#lastActivityAt,
    };
  }

  /** Stops accepting clients, disconnects the connected ones and waits for the unit in flight. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#idleTimer) clearInterval(this.#idleTimer);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Clients that are disconnecting on their own get a moment to finish before they are told to go.
    for (let waited = 0; this.#clients.size > 0 && waited < 250; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const client of this.#clients.values()) {
      if (client.phase !== 'closed') {
        client.socket.end(errorResponse('FATAL', '57P01', 'the embedded database is shutting down'));
      }
      client.socket.destroy();
    }
    while (this.#draining) await this.#drained;
    await closed;
  }

  #accept(socket: net.Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const id = this.#nextId++;
    const client: Client = {
      id,
      socket,
      buf: Buffer.alloc(0),
      phase: 'startup',
      pending: [],
      statements: new Set(),
      prefix: `_c${id}_`,
      lastUnitAt: 0,
    };
    this.#clients.set(id, client);
    this.#totalConnections++;
    this.#lastActivityAt = Date.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#onData(client, chunk);
      } catch (err) {
        const message = err instanceof ProtocolError ? err.message : 'protocol error';
        this.#opts.logger.warn('closing client after a protocol error', { client: id, error: message });
        this.#terminate(client, errorResponse('FATAL', '08P01', message));
      }
    });
    socket.on('error', () => this.#onClose(client));
    socket.on('close', () => this.#onClose(client));
  }

  #onData(client: Client, chunk: Buffer): void {
    if (client.phase === 'closed') return;
    client.buf = client.buf.length ? Buffer.concat([client.buf, chunk]) : chunk;
    this.#lastActivityAt = Date.now();
    for (;;) {
      if (client.phase === 'startup') {
        const read = readStartupPacket(client.buf);
        if (!read) return;
        client.buf = client.buf.subarray(read.size);
        const { code } = read.packet;
        if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
          client.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST_CODE) {
          // PGlite runs one statement at a time in this process; there is nothing to signal.
          client.socket.destroy();
          this.#onClose(client);
          return;
        }
        if (code >> 16 !== 3)
          throw new ProtocolError(`unsupported protocol version ${code >> 16}.${code & 0xffff}`);
        if (this.#opts.password) {
          client.phase = 'auth';
          client.socket.write(authenticationCleartextPassword());
        } else {
          this.#finishStartup(client);
        }
        continue;
      }
      const msg = readMessage(client.buf);
      if (!msg) return;
      client.buf = client.buf.subarray(msg.bytes.length);
      if (client.phase === 'auth') {
        if (msg.type !== 'p') throw new ProtocolError('expected a password message');
        const given = Buffer.from(readPassword(msg));
        const expected = Buffer.from(this.#opts.password ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          this.#terminate(
            client,
            errorResponse('FATAL', '28P01', 'password authentication failed (see `sophia db url`)'),
          );
          return;
        }
        this.#finishStartup(client);
        continue;
      }
      if (msg.type === 'X') {
        client.socket.end();
        this.#onClose(client);
        return;
      }
      const rewritten = rewriteNames(msg, client.prefix);
      if (rewritten.parsed) client.statements.add(rewritten.parsed);
      if (rewritten.closed) client.statements.delete(rewritten.closed);
      client.pending.push(rewritten.message.bytes);
      if (UNIT_END.has(msg.type)) {
        const bytes = client.pending.length === 1 ? client.pending[0]! : Buffer.concat(client.pending);
        client.pending = [];
        this.#queue.push({ client, bytes });
        this.#kick();
      }
    }
  }

  /** Sends a last message, closes the connection (forcibly if the peer does not read) and cleans up. */
  #terminate(client: Client, last: Buffer): void {
    client.socket.end(last);
    setTimeout(() => client.socket.destroy(), 1000).unref();
    this.#onClose(client);
  }

  #finishStartup(client: Client): void {
    client.phase = 'ready';
    const parts = [authenticationOk()];
    for (const [name, value] of this.#params) parts.push(parameterStatus(name, value));
    parts.push(backendKeyData(client.id, randomInt(1, 2 ** 31 - 1)), readyForQuery('I'));
    client.socket.write(Buffer.concat(parts));
  }

  #onClose(client: Client): void {
    if (client.phase === 'closed') return;
    client.phase = 'closed';
    this.#clients.delete(client.id);
    this.#lastActivityAt = Date.now();
    // Units this client queued but that have not run are dropped: nobody is left to read their results.
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      if (this.#queue[i]!.client === client && !this.#queue[i]!.internal) this.#queue.splice(i, 1);
    }
    const needsRollback = this.#pinned === client;
    if (client.lastUnitAt === 0) return; // never ran anything: nothing to clean up
    const parts: Buffer[] = [];
    // Sync ends any half-sent extended-protocol unit; ROLLBACK ends a transaction left open; the client's
    // named statements are closed; settings a plain SET changed are reset for whoever comes next.
    if (needsRollback) parts.push(syncMessage(), simpleQuery('ROLLBACK'));
    for (const name of client.statements) parts.push(closeStatement(name));
    parts.push(syncMessage(), simpleQuery('RESET ALL'));
    const cleanup: Unit = { client, bytes: Buffer.concat(parts), internal: true };
    // A pinned session must be released before anybody else runs, so its cleanup goes first.
    if (needsRollback) this.#queue.unshift(cleanup);
    else this.#queue.push(cleanup);
    this.#kick();
  }

  #checkIdleTransaction(): void {
    const pinned = this.#pinned;
    if (!pinned || pinned.phase === 'closed') return;
    const waitingOnIt = this.#queue.some((u) => u.client === pinned);
    if (waitingOnIt || this.#draining) return;
    if (Date.now() - pinned.lastUnitAt > this.#opts.idleInTransactionTimeoutMs) {
      this.#opts.logger.warn('disconnecting a client that held a transaction open while idle', {
        client: pinned.id,
        timeoutMs: this.#opts.idleInTransactionTimeoutMs,
      });
      this.#terminate(
        pinned,
        errorResponse('FATAL', '25P03', 'terminating connection due to idle-in-transaction timeout'),
      );
    }
  }

  #next(): Unit | undefined {
    if (this.#pinned) {
      const i = this.#queue.findIndex((u) => u.client === this.#pinned);
      return i < 0 ? undefined : this.#queue.splice(i, 1)[0];
    }
    return this.#queue.shift();
  }

  #kick(): void {
    if (this.#draining || this.#closing) return;
    this.#draining = true;
    this.#drained = this.#drain().finally(() => {
      this.#draining = false;
    });
  }

  async #drain(): Promise<void> {
    for (let unit = this.#next(); unit && !this.#closing; unit = this.#next()) {
      let out: Uint8Array;
      try {
        out = await this.#db.execProtocolRaw(unit.bytes);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        this.#opts.logger.error('the embedded engine failed', { error: error.message });
        for (const c of this.#clients.values()) {
          c.socket.end(errorResponse('FATAL', 'XX000', `the embedded database failed: ${error.message}`));
        }
        this.#fatal?.(error);
        return;
      }
      this.#units++;
      unit.client.lastUnitAt = Date.now();
      this.#lastActivityAt = unit.client.lastUnitAt;
      const status = lastReadyStatus(out);
      if (unit.internal) {
        // Cleanup ran; the session is free again unless (unexpectedly) still in a transaction.
        this.#pinned = status === 'I' || status === undefined ? null : this.#pinned;
        if (this.#pinned === unit.client) this.#pinned = null;
        continue;
      }
      if (unit.client.phase !== 'closed' && out.length > 0) unit.client.socket.write(out);
      // No ReadyForQuery (Flush, COPY in progress) or a transaction left open: keep the session for this client.
      this.#pinned = status === 'I' ? null : unit.client;
      if (unit.client.phase === 'closed' && this.#pinned === unit.client) {
        // The client left while its unit ran: clean up now, ahead of everyone else.
        this.#queue.unshift({
          client: unit.client,
          bytes: Buffer.concat([
            syncMessage(),
            simpleQuery('ROLLBACK'),
            syncMessage(),
            simpleQuery('RESET ALL'),
          ]),
          internal: true,
        });
      }
    }
  }
}
