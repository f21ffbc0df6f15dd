// A free loopback port inside a range, claimed across processes so that suites running side by side never pick the
// same one between choosing it and listening on it.
import { bindable, claimPort, releasePort } from './port-claims';

/** A free port in [from, to], picked at random and claimed for this process until `releasePort` (or its exit). */
export async function freePortIn(from: number, to: number): Promise<number> {
  for (let tries = 0; tries < 200; tries += 1) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (!claimPort(port)) continue;
    if (await bindable(port)) return port;
    releasePort(port);
  }
  throw new Error(`no free port in ${from}-${to}`);
}
