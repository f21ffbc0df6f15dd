// /healthz says the process is alive; /readyz says it can do its work (sidecar and, where it has one, database).
import { apiErrorBody } from '@todo/contracts';
import { Hono } from 'hono';

/** A readiness check resolves when the dependency answers and throws a reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

export function healthRoutes(checks: Record<string, ReadinessCheck>, timeoutMs = 2_000): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
            ),
          ]);
          return { name, ok: true as const };
        } catch (error) {
          return { name, ok: false as const, reason: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const failed = results.filter((r) => !r.ok);
    if (failed.length === 0) return c.json({ status: 'ready', checks: Object.keys(checks) });
    const reason = failed.map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`).join('; ');
    return c.json({ ...apiErrorBody('NOT_READY', reason), checks: results }, 503);
  });
  return app;
}
