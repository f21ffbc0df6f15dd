// PGlite over the Postgres wire protocol for many clients at once. PGlite has one session, so requests must not
// interleave: each client's messages are run as whole batches (up to Sync or Query), and while a client is inside a
// transaction only its batches run. (The multiplexer in @electric-sql/pglite-socket interleaves single messages,
// which mixes up the unnamed prepared statements of concurrent clients: electric-sql/pglite issue 1046.)
// Clients prove a password (SCRAM-SHA-256); one that idles inside a transaction while others wait is ended (25P03).
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { SCRAM_MECHANISM, ScramVerifier } from './scram';
import { ClientNames } from './statement-names';
import { message } from './wire-message';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const END_OF_BATCH = new Set(['S', 'Q', 'H']);
/** A transaction left idle this long is ended as soon as another client needs the database (Postgres's 25P03). */
export const IDLE_IN_TRANSACTION_MS = 3_000;
const ROLLBACK = simpleQuery('rollback');

interface Client {
  socket: Socket;
  buffer: Buffer;
  phase: 'startup' | 'password' | 'ready';
  startup?: Buffer;
  scram?: ReturnType<ScramVerifier['exchange']>;
  pending: Buffer[];
  names: ClientNames;
  closed: boolean;
}

interface Batch {
  client: Client;
  message: Buffer;
}

export interface WireServerOptions {
  /** Clients must prove this password with SCRAM-SHA-256. */
  password: string;
  idleInTransactionMs?: number;
  maxConnections?: number;
}

function simpleQuery(sql: string): Buffer {
  return message('Q', Buffer.from(`${sql}\0`));
}

function authentication(code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.alloc(4 + data.length);
  body.writeInt32BE(code, 0);
  data.copy(body, 4);
  return message('R', body);
}

function fatal(code: string, text: string): Buffer {
  return message('E', Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`));
}

/** The transaction status of the last ReadyForQuery in a response: I idle, T in a transaction, E failed one. */
function lastReadyStatus(out: Uint8Array): string | undefined {
  let status: string | undefined;
  let i = 0;
  while (i + 5 <= out.length) {
    const type = String.fromCharCode(out[i] as number);
    const length =
      ((out[i + 1] as number) << 24) |
      ((out[i + 2] as number) << 16) |
      ((out[i + 3] as number) << 8) |
      (out[i + 4] as number);
    if (type === 'Z' && length === 5) status = String.fromCharCode(out[i + 5] as number);
    i += 1 + length;
  }
  return status;
}

export class PGliteWireServer {
  private server?: Server;
  private readonly queue: Batch[] = [];
  private readonly clients = new Set<Client>();
  private readonly verifier: ScramVerifier;
  private readonly idleInTransactionMs: number;
  private owner?: Client;
  private ownerIdleTimer?: NodeJS.Timeout;
  private ownerIdleTooLong = false;
  private pumping = false;
  private nextId = 1;
  /** Close messages for the prepared statements of clients that have gone, run between transactions. */
  private readonly cleanups: Buffer[] = [];
  /** Where PGlite's output of the running batch goes. */
  private sink?: Buffer[];
  // PGlite's execProtocolRaw also parses every response into a list that only execProtocol empties (a leak of all
  // results ever sent, 0.5.14 to 0.5.17 at least); the stream variant hands over the bytes and keeps nothing
  private readonly onRawData = (data: Uint8Array) => {
    this.sink?.push(Buffer.from(data)); // a copy: `data` is a view of PGlite's WebAssembly memory
  };

  constructor(
    private readonly db: PGlite,
    private readonly options: WireServerOptions,
  ) {
    this.verifier = new ScramVerifier(options.password);
    this.idleInTransactionMs = options.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS;
  }

  /** Listens on host:port (0 picks a free port) and resolves with the port. */
  start(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections ?? 100;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as { port: number }).port));
    });
  }

  async stop(): Promise<void> {
    clearTimeout(this.ownerIdleTimer);
    for (const client of this.clients) client.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const client: Client = {
      socket,
      buffer: Buffer.alloc(0),
      phase: 'startup',
      pending: [],
      names: new ClientNames(`${this.nextId++}:`),
      closed: false,
    };
    this.clients.add(client);
    socket.on('data', (chunk) => this.receive(client, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.drop(client));
  }

  private receive(client: Client, chunk: Buffer): void {
    client.buffer = Buffer.concat([client.buffer, chunk]);
    while (!client.closed) {
      if (client.phase === 'startup') {
        if (client.buffer.length < 8) return;
        const length = client.buffer.readInt32BE(0);
        if (client.buffer.length < length) return;
        const code = client.buffer.readInt32BE(4);
        const startup = Buffer.from(client.buffer.subarray(0, length));
        client.buffer = client.buffer.subarray(length);
        if (code === SSL_REQUEST) {
          client.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          client.socket.end();
          return;
        }
        client.startup = startup;
        client.phase = 'password';
        const mechanisms = Buffer.from(`${SCRAM_MECHANISM}\0\0`);
        client.socket.write(authentication(10, mechanisms));
        continue;
      }
      if (client.buffer.length < 5) return;
      const total = 1 + client.buffer.readInt32BE(1);
      if (client.buffer.length < total) return;
      const msg = Buffer.from(client.buffer.subarray(0, total));
      client.buffer = client.buffer.subarray(total);
      const type = String.fromCharCode(msg[0] as number);
      if (type === 'X') {
        client.socket.end();
        return;
      }
      if (client.phase === 'password') {
        this.authenticate(client, type, msg.subarray(5));
        continue;
      }
      client.pending.push(msg);
      if (END_OF_BATCH.has(type)) {
        this.enqueue(client, client.names.rewrite(Buffer.concat(client.pending)));
        client.pending = [];
      }
    }
  }

  /** SASLInitialResponse, then SASLResponse; on success PGlite answers the startup message (AuthenticationOk…). */
  private authenticate(client: Client, type: string, body: Buffer): void {
    let answer: Buffer | undefined;
    try {
      answer = type === 'p' ? this.scramStep(client, body) : undefined;
    } catch {
      answer = undefined;
    }
    if (!answer) {
      this.end(client, fatal('28P01', 'password authentication failed for user "postgres"'));
      return;
    }
    client.socket.write(answer);
    if (client.phase === 'ready') this.enqueue(client, client.startup as Buffer);
  }

  /** The server's next SCRAM message, or undefined when the client's is wrong. */
  private scramStep(client: Client, body: Buffer): Buffer | undefined {
    if (!client.scram) {
      const nameEnd = body.indexOf(0);
      if (body.subarray(0, nameEnd).toString() !== SCRAM_MECHANISM) return undefined;
      const length = body.readInt32BE(nameEnd + 1);
      client.scram = this.verifier.exchange();
      const serverFirst = client.scram.first(body.subarray(nameEnd + 5, nameEnd + 5 + length).toString());
      return authentication(11, Buffer.from(serverFirst));
    }
    const serverFinal = client.scram.final(body.toString());
    if (!serverFinal) return undefined;
    client.phase = 'ready';
    return authentication(12, Buffer.from(serverFinal));
  }

  private enqueue(client: Client, msg: Buffer): void {
    if (client === this.owner) clearTimeout(this.ownerIdleTimer);
    else if (this.owner && this.ownerIdleTooLong) this.endIdleOwner();
    this.queue.push({ client, message: msg });
    void this.pump();
  }

  /** Runs one protocol message batch on PGlite and answers its output. */
  private async run(msg: Buffer): Promise<Buffer> {
    const out: Buffer[] = [];
    this.sink = out;
    try {
      await this.db.execProtocolRawStream(msg, { onRawData: this.onRawData });
    } finally {
      this.sink = undefined;
    }
    return Buffer.concat(out);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.owner?.closed) {
          // a client that went away inside a transaction leaves the session as if it had rolled back
          this.releaseOwner();
          await this.run(ROLLBACK).catch(() => undefined);
          continue;
        }
        const cleanup = this.owner ? undefined : this.cleanups.shift();
        if (cleanup) {
          await this.run(cleanup).catch(() => undefined);
          continue;
        }
        const index = this.owner ? this.queue.findIndex((b) => b.client === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return;
        const [batch] = this.queue.splice(index, 1) as [Batch];
        if (batch.client.closed) continue;
        let out: Buffer;
        try {
          out = await this.run(batch.message);
        } catch (error) {
          batch.client.socket.destroy(error instanceof Error ? error : undefined);
          continue;
        }
        if (out.length && !batch.client.closed) batch.client.socket.write(out);
        const status = lastReadyStatus(out);
        if (status === 'T' || status === 'E') this.holdFor(batch.client);
        else if (status !== undefined) this.releaseOwner();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The client is inside a transaction: only it runs, and its idle clock starts when it has nothing queued. */
  private holdFor(client: Client): void {
    this.owner = client;
    clearTimeout(this.ownerIdleTimer);
    this.ownerIdleTooLong = false;
    if (this.queue.some((b) => b.client === client)) return;
    this.ownerIdleTimer = setTimeout(() => {
      this.ownerIdleTooLong = true;
      if (this.queue.some((b) => b.client !== client)) this.endIdleOwner();
    }, this.idleInTransactionMs);
    this.ownerIdleTimer.unref();
  }

  private releaseOwner(): void {
    clearTimeout(this.ownerIdleTimer);
    this.owner = undefined;
    this.ownerIdleTooLong = false;
  }

  private endIdleOwner(): void {
    const owner = this.owner;
    if (!owner) return;
    this.end(owner, fatal('25P03', 'terminating connection due to idle-in-transaction timeout'));
  }

  /** Says why and closes; the pump rolls back what the client left open. */
  private end(client: Client, reason: Buffer): void {
    client.socket.end(reason);
    this.drop(client);
  }

  private drop(client: Client): void {
    if (client.closed && !this.clients.has(client)) return;
    client.closed = true;
    this.clients.delete(client);
    const closeAll = client.names.closeAll();
    if (closeAll) this.cleanups.push(closeAll);
    void this.pump();
  }
}
