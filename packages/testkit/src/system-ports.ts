// A port offset for a whole system (`npm start` with TODO_PORT_OFFSET) found at run time: every port it opens is free
// now and claimed by this process, so suites side by side, and a developer's own `npm start`, never meet on a port.
import { join } from 'node:path';
import { readRunFile } from '@todo/local-sidecar';
import { daprdPorts, kafkaPorts, schedulerPorts, sentryPorts } from '../../local-runtime/src/daprd/ports';
import { bindable, claimPort, releasePort } from './port-claims';

const RUN_FILE = join(__dirname, '..', '..', '..', 'dapr.yaml');
/** Whole hundreds as ports.ts expects, up to where the real engines' ports would reach Linux's ephemeral range (32768);
 * 0 is `npm start`'s own. */
const OFFSETS = Array.from({ length: 96 }, (_, i) => (i + 1) * 100);

/**
 * Ports fetch() and browsers refuse to connect to (the Fetch standard's "bad ports", e.g. 6000 for X11): a system on
 * one of them is unreachable from the tests (undici answers "fetch failed") and from Chromium.
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Every port `npm start` opens at `offset`: apps, their metrics (app + 1000), sidecars, and with real daprd the
 * engines beside them (Kafka, the scheduler, Sentry, each daprd's gRPC and metrics). */
export function systemPorts(offset: number, replicas: Record<string, number> = {}, realEngines = false): number[] {
  const apps = readRunFile(RUN_FILE, { portOffset: offset, replicas }).apps;
  const ports = apps.flatMap((a) => [
    a.daprHttpPort,
    ...(a.appPort === undefined ? [] : [a.appPort, a.appPort + 1000]),
  ]);
  if (realEngines) {
    ports.push(
      ...Object.values(kafkaPorts(offset)),
      ...Object.values(schedulerPorts(offset)),
      ...Object.values(sentryPorts(offset)),
      ...apps.flatMap((_, index) => Object.values(daprdPorts(index, offset))),
    );
  }
  return ports;
}

export interface PortClaim {
  offset: number;
  /** Gives the ports back (once the system on them has stopped). */
  release(): void;
}

/** A random offset whose ports (`portsAt(offset)`) are all unclaimed and free, claimed for this process. */
export async function claimPortOffset(portsAt: (offset: number) => number[]): Promise<PortClaim> {
  const offsets = OFFSETS.map((offset) => ({ offset, order: Math.random() })).sort((a, b) => a.order - b.order);
  for (const { offset } of offsets) {
    const claimed: number[] = [];
    const release = () => {
      for (const port of claimed) releasePort(port);
    };
    const ports = portsAt(offset);
    if (ports.some((port) => BAD_PORTS.has(port))) {
      release();
      continue;
    }
    const claimedAll = ports.every((port) => claimPort(port) && claimed.push(port) > 0);
    if (claimedAll && (await Promise.all(ports.map(bindable))).every(Boolean)) return { offset, release };
    release();
  }
  throw new Error(`no port offset of ${OFFSETS[0]}-${OFFSETS.at(-1)} has every port free`);
}
