// Polls a URL until it answers 2xx (an app's /readyz), or gives up with the last reason.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntilReady(
  url: string,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`${url}: the process exited before it was ready (${reason})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      reason = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (${reason})`);
}
