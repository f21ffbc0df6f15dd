// A fake sidecar for client tests: records every request and answers with what the test queued.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (to test time limits). */
  hang?: boolean;
}

export class RecordingSidecar {
  readonly requests: Recorded[] = [];
  private readonly replies: Reply[] = [];
  private server?: Server;

  reply(...replies: Reply[]): void {
    this.replies.push(...replies);
  }

  get last(): Recorded {
    const last = this.requests.at(-1);
    if (!last) throw new Error('no request was recorded');
    return last;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const reply = this.replies.shift() ?? { status: 204 };
        if (reply.hang) return;
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
