// PGlite over the Postgres wire protocol for many clients at once. PGlite has one session, so requests must not
// interleave: each client's messages are run as whole batches (up to Sync or Query), and while a client is inside a
// transaction only its batches run. (The multiplexer in @electric-sql/pglite-socket interleaves single messages,
// which mixes up the unnamed prepared statements of concurrent clients: electric-sql/pglite issue 1046.)
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const END_OF_BATCH = new Set(['S', 'Q', 'H']);

interface Client {
  id: number;
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  pending: Buffer[];
  closed: boolean;
}

interface Batch {
  client: Client;
  message: Buffer;
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
  private owner?: Client;
  private pumping = false;
  private nextId = 1;

  constructor(
    private readonly db: PGlite,
    private readonly maxConnections = 100,
  ) {}

  /** Listens on host:port (0 picks a free port) and resolves with the port. */
  start(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.maxConnections;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as { port: number }).port));
    });
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const client: Client = {
      id: this.nextId++,
      socket,
      buffer: Buffer.alloc(0),
      started: false,
      pending: [],
      closed: false,
    };
    this.clients.add(client);
    socket.on('data', (chunk) => this.receive(client, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.drop(client));
  }

  private receive(client: Client, chunk: Buffer): void {
    client.buffer = Buffer.concat([client.buffer, chunk]);
    for (;;) {
      if (!client.started) {
        if (client.buffer.length < 8) return;
        const length = client.buffer.readInt32BE(0);
        if (client.buffer.length < length) return;
        const code = client.buffer.readInt32BE(4);
        const message = client.buffer.subarray(0, length);
        client.buffer = client.buffer.subarray(length);
        if (code === SSL_REQUEST) {
          client.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          client.socket.end();
          return;
        }
        client.started = true;
        this.enqueue(client, Buffer.from(message));
        continue;
      }
      if (client.buffer.length < 5) return;
      const total = 1 + client.buffer.readInt32BE(1);
      if (client.buffer.length < total) return;
      const message = Buffer.from(client.buffer.subarray(0, total));
      client.buffer = client.buffer.subarray(total);
      const type = String.fromCharCode(message[0] as number);
      if (type === 'X') {
        client.socket.end();
        return;
      }
      client.pending.push(message);
      if (END_OF_BATCH.has(type)) {
        this.enqueue(client, Buffer.concat(client.pending));
        client.pending = [];
      }
    }
  }

  private enqueue(client: Client, message: Buffer): void {
    this.queue.push({ client, message });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((b) => b.client === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return;
        const [batch] = this.queue.splice(index, 1) as [Batch];
        if (batch.client.closed) continue;
        let out: Uint8Array;
        try {
          out = await this.db.execProtocolRaw(batch.message);
        } catch (error) {
          batch.client.socket.destroy(error instanceof Error ? error : undefined);
          continue;
        }
        if (out.length && !batch.client.closed) batch.client.socket.write(out);
        const status = lastReadyStatus(out);
        if (status !== undefined) this.owner = status === 'T' || status === 'E' ? batch.client : undefined;
      }
    } finally {
      this.pumping = false;
    }
  }

  private async drop(client: Client): Promise<void> {
    client.closed = true;
    this.clients.delete(client);
    if (this.owner === client) {
      // a client that went away inside a transaction leaves the session as if it had rolled back
      this.owner = undefined;
      await this.db.exec('rollback').catch(() => undefined);
    }
    void this.pump();
  }
}
