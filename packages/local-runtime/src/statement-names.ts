// Named prepared statements and portals belong to a connection in Postgres, but PGlite has one session for all the
// wire server's clients: two pool connections preparing "auth_throttle:rlflx-upsert" collided (42P05). Each
// client's names get its own prefix on the way in.
import { createHash } from 'node:crypto';
import { message } from './wire-message';

/** Postgres keeps NAMEDATALEN - 1 bytes of a statement's name. */
const MAX_NAME = 63;

function cString(buffer: Buffer, at: number): [string, number] {
  const end = buffer.indexOf(0, at);
  return [buffer.subarray(at, end).toString(), end + 1];
}

function withName(type: string, before: Buffer, name: string, after: Buffer): Buffer {
  return message(type, Buffer.concat([before, Buffer.from(`${name}\0`), after]));
}

export class ClientNames {
  /** The scoped names of the statements this client prepared (closed when it goes). */
  readonly statements = new Set<string>();

  constructor(private readonly prefix: string) {}

  scoped(name: string): string {
    if (!name) return name; // the unnamed statement and portal: each batch runs alone, so they cannot mix
    const full = `${this.prefix}${name}`;
    if (Buffer.byteLength(full) <= MAX_NAME) return full;
    return `${this.prefix}${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
  }

  /** The batch with every statement and portal name scoped to this client. */
  rewrite(batch: Buffer): Buffer {
    const out: Buffer[] = [];
    let i = 0;
    while (i < batch.length) {
      const type = String.fromCharCode(batch[i] as number);
      const end = i + 1 + batch.readInt32BE(i + 1);
      const body = batch.subarray(i + 5, end);
      out.push(this.rewriteOne(type, body) ?? batch.subarray(i, end));
      i = end;
    }
    return Buffer.concat(out);
  }

  private rewriteOne(type: string, body: Buffer): Buffer | undefined {
    if (type === 'P') {
      const [name, rest] = cString(body, 0);
      if (!name) return undefined;
      const scoped = this.scoped(name);
      this.statements.add(scoped);
      return withName(type, Buffer.alloc(0), scoped, body.subarray(rest));
    }
    if (type === 'B') {
      const [portal, afterPortal] = cString(body, 0);
      const [statement, rest] = cString(body, afterPortal);
      if (!portal && !statement) return undefined;
      const names = Buffer.from(`${this.scoped(portal)}\0`);
      return withName(type, names, this.scoped(statement), body.subarray(rest));
    }
    if (type === 'D' || type === 'C') {
      const [name, rest] = cString(body, 1);
      if (!name) return undefined;
      const scoped = this.scoped(name);
      if (type === 'C' && body[0] === 0x53) this.statements.delete(scoped);
      return withName(type, body.subarray(0, 1), scoped, body.subarray(rest));
    }
    if (type === 'E') {
      const [portal, rest] = cString(body, 0);
      if (!portal) return undefined;
      return withName(type, Buffer.alloc(0), this.scoped(portal), body.subarray(rest));
    }
    return undefined;
  }

  /** Close messages for every statement left, and a Sync: what to run when the client has gone. */
  closeAll(): Buffer | undefined {
    if (!this.statements.size) return undefined;
    const closes = [...this.statements].map((name) => withName('C', Buffer.from('S'), name, Buffer.alloc(0)));
    return Buffer.concat([...closes, message('S', Buffer.alloc(0))]);
  }
}
