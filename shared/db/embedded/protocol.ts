/**
 * PostgreSQL wire protocol (v3) framing for the embedded server: splitting a client's byte stream into
 * messages, rewriting prepared-statement and portal names so clients cannot collide, and building the few
 * backend messages the server writes itself (authentication, parameter status, errors).
 * Reference: https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
export const PROTOCOL_3 = 3 << 16;

/** A startup-phase packet: no type byte, just length + code. */
export interface StartupPacket {
  code: number;
  /** Key/value parameters of a StartupMessage. */
  params: Record<string, string>;
}

/** A typed frontend message: its type byte and the whole message (type + length + body). */
export interface FrontendMessage {
  type: string;
  bytes: Buffer;
}

/** Reads one startup packet from the front of `buf`; undefined when more bytes are needed. */
export function readStartupPacket(buf: Buffer): { packet: StartupPacket; size: number } | undefined {
  if (buf.length < 8) return undefined;
  const len = buf.readInt32BE(0);
  if (len < 8 || len > 10_000) throw new ProtocolError(`invalid startup packet length ${len}`);
  if (buf.length < len) return undefined;
  const code = buf.readInt32BE(4);
  const params: Record<string, string> = {};
  if (code >> 16 === 3) {
    let off = 8;
    while (off < len - 1) {
      const keyEnd = buf.indexOf(0, off);
      if (keyEnd < 0 || keyEnd >= len) break;
      const key = buf.toString('utf8', off, keyEnd);
      const valEnd = buf.indexOf(0, keyEnd + 1);
      if (valEnd < 0 || valEnd >= len) break;
      params[key] = buf.toString('utf8', keyEnd + 1, valEnd);
      off = valEnd + 1;
    }
  }
  return { packet: { code, params }, size: len };
}

/** Reads one typed message from the front of `buf`; undefined when more bytes are needed. */
export function readMessage(buf: Buffer): FrontendMessage | undefined {
  if (buf.length < 5) return undefined;
  const len = buf.readInt32BE(1);
  if (len < 4 || len > 1 << 30) throw new ProtocolError(`invalid message length ${len}`);
  if (buf.length < len + 1) return undefined;
  return { type: String.fromCharCode(buf[0]!), bytes: buf.subarray(0, len + 1) };
}

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

function cstringAt(buf: Buffer, off: number): { value: string; next: number } {
  const end = buf.indexOf(0, off);
  if (end < 0) throw new ProtocolError('unterminated string in message');
  return { value: buf.toString('utf8', off, end), next: end + 1 };
}

function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstring(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

/**
 * Names of prepared statements and portals live in the one shared backend session, so two clients that
 * both prepare "s1" would overwrite each other's statement. Every non-empty name a client sends is
 * prefixed with that client's own prefix; the unnamed statement and portal are left alone (they are
 * only used inside one unit of messages, which the server never interleaves with another client's).
 */
export interface NameRewrite {
  message: FrontendMessage;
  /** A statement name the message created (Parse) or closed (Close 'S'), already prefixed. */
  parsed?: string;
  closed?: string;
}

export function rewriteNames(msg: FrontendMessage, prefix: string): NameRewrite {
  const b = msg.bytes;
  const body = b.subarray(5);
  const p = (name: string) => (name === '' ? '' : prefix + name);
  switch (msg.type) {
    case 'P': {
      const name = cstringAt(body, 0);
      if (name.value === '') return { message: msg };
      const renamed = p(name.value);
      return {
        message: {
          type: 'P',
          bytes: frame('P', Buffer.concat([cstring(renamed), body.subarray(name.next)])),
        },
        parsed: renamed,
      };
    }
    case 'B': {
      const portal = cstringAt(body, 0);
      const stmt = cstringAt(body, portal.next);
      if (portal.value === '' && stmt.value === '') return { message: msg };
      return {
        message: {
          type: 'B',
          bytes: frame(
            'B',
            Buffer.concat([cstring(p(portal.value)), cstring(p(stmt.value)), body.subarray(stmt.next)]),
          ),
        },
      };
    }
    case 'D':
    case 'C': {
      const kind = String.fromCharCode(body[0]!);
      const name = cstringAt(body, 1);
      if (name.value === '') return { message: msg };
      const renamed = p(name.value);
      const rebuilt: FrontendMessage = {
        type: msg.type,
        bytes: frame(
          msg.type,
          Buffer.concat([body.subarray(0, 1), cstring(renamed), body.subarray(name.next)]),
        ),
      };
      return msg.type === 'C' && kind === 'S' ? { message: rebuilt, closed: renamed } : { message: rebuilt };
    }
    case 'E': {
      const portal = cstringAt(body, 0);
      if (portal.value === '') return { message: msg };
      return {
        message: {
          type: 'E',
          bytes: frame('E', Buffer.concat([cstring(p(portal.value)), body.subarray(portal.next)])),
        },
      };
    }
    default:
      return { message: msg };
  }
}

/** Walks backend messages and returns the transaction status of the last ReadyForQuery, if any. */
export function lastReadyStatus(out: Uint8Array): 'I' | 'T' | 'E' | undefined {
  let off = 0;
  let status: 'I' | 'T' | 'E' | undefined;
  const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  while (off + 5 <= view.length) {
    const type = view[off]!;
    const len = view.readInt32BE(off + 1);
    if (type === 0x5a /* Z */ && len === 5 && off + 6 <= view.length) {
      status = String.fromCharCode(view[off + 5]!) as 'I' | 'T' | 'E';
    }
    off += 1 + len;
  }
  return status;
}

// ---- backend messages the server writes itself ----

export function authenticationOk(): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(0, 0);
  return frame('R', b);
}

export function authenticationCleartextPassword(): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(3, 0);
  return frame('R', b);
}

export function parameterStatus(name: string, value: string): Buffer {
  return frame('S', Buffer.concat([cstring(name), cstring(value)]));
}

export function backendKeyData(pid: number, secret: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(pid, 0);
  b.writeInt32BE(secret, 4);
  return frame('K', b);
}

export function readyForQuery(status: 'I' | 'T' | 'E' = 'I'): Buffer {
  return frame('Z', Buffer.from(status, 'latin1'));
}

/** An ErrorResponse ('E'). `severity` FATAL closes the connection on the client side. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, message: string): Buffer {
  return frame(
    'E',
    Buffer.concat([
      Buffer.from('S', 'latin1'),
      cstring(severity),
      Buffer.from('V', 'latin1'),
      cstring(severity),
      Buffer.from('C', 'latin1'),
      cstring(code),
      Buffer.from('M', 'latin1'),
      cstring(message),
      Buffer.from([0]),
    ]),
  );
}

/** Frontend messages the server itself sends to the backend (cleanup after a client leaves). */
export function simpleQuery(sql: string): Buffer {
  return frame('Q', cstring(sql));
}

export function syncMessage(): Buffer {
  return frame('S', Buffer.alloc(0));
}

export function closeStatement(name: string): Buffer {
  return frame('C', Buffer.concat([Buffer.from('S', 'latin1'), cstring(name)]));
}

/** Reads the password from a PasswordMessage ('p'). */
export function readPassword(msg: FrontendMessage): string {
  return cstringAt(msg.bytes.subarray(5), 0).value;
}
