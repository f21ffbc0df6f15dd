// The requests an app is still handling. A client that leaves mid-request closes its connection, so the server's
// close() no longer waits for it, but its handler may still be at the database: stopping waits for the handlers too,
// so no pool is closed under one (it would fail with "driver has already been destroyed", logged as a 500).
import type { Fetch } from './body-limit';

export function trackInFlight(fetch: Fetch): { fetch: Fetch; settled(timeoutMs: number): Promise<boolean> } {
  let active = 0;
  const waiting = new Set<() => void>();
  const done = () => {
    active -= 1;
    if (active === 0) for (const wake of waiting) wake();
  };
  return {
    fetch: (request, env) => {
      active += 1;
      try {
        const answer = fetch(request, env);
        if (answer instanceof Promise) return answer.finally(done);
        done();
        return answer;
      } catch (error) {
        done();
        throw error;
      }
    },
    /** Resolves true once no handler runs, or false after `timeoutMs` with some still running. */
    settled: (timeoutMs) =>
      active === 0
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const wake = () => {
              clearTimeout(timer);
              waiting.delete(wake);
              resolve(true);
            };
            const timer = setTimeout(() => {
              waiting.delete(wake);
              resolve(false);
            }, timeoutMs);
            waiting.add(wake);
          }),
  };
}
