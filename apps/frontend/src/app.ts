// The frontend: serves the UI and reaches the backend only through its own sidecar.
import type { Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers } from '@todo/service-kit';
import { Hono } from 'hono';
import type { Logger } from 'pino';

export interface FrontendDeps {
  logger: Logger;
  dapr: Dapr;
}

export function createApp(deps: FrontendDeps): Hono {
  const app = new Hono();
  installErrorHandlers(app, deps.logger);
  app.route('/', healthRoutes({ sidecar: () => deps.dapr.health.check() }));
  return app;
}
