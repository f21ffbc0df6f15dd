// A free loopback port inside a range, so that suites running side by side keep to ranges of their own.
import { createServer } from 'node:net';

const taken = new Set<number>();

/** A free port in [from, to], picked at random so concurrent suites rarely try the same one; never twice here. */
export async function freePortIn(from: number, to: number): Promise<number> {
  for (let tries = 0; tries < 200; tries += 1) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** Gives a port from freePortIn back, once what used it has stopped. */
export function releasePort(port: number): void {
  taken.delete(port);
}
