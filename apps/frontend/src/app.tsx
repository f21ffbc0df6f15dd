// The frontend: the page, its assets, and /api/* forwarded through its own sidecar (Dapr service invocation),
// streams included. No backend address anywhere: only app ids.
import { APP_IDS, apiErrorBody } from '@todo/contracts';
import type { Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers, instrument } from '@todo/service-kit';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Asset } from './assets';
import { Page } from './page';
import { upstreamFor } from './routes-map';

export interface FrontendDeps {
  logger: Logger;
  dapr: Dapr;
  assets: { script: Asset; styles: Asset };
}

/** How long one forwarded API call may take; streams have no limit. */
const API_TIMEOUT_MS = 60_000;

export function createApp(deps: FrontendDeps): Hono {
  const app = new Hono();
  installErrorHandlers(app, deps.logger);
  instrument(app, APP_IDS.frontend, deps.logger);
  app.route('/', healthRoutes({ sidecar: () => deps.dapr.health.check() }));

  const serveAsset = (asset: Asset) => (c: import('hono').Context) => {
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
    c.header('etag', asset.etag);
    c.header('cache-control', 'public, max-age=300');
    c.header('content-type', asset.type);
    return c.body(asset.body);
  };
  app.get('/app.js', serveAsset(deps.assets.script));
  app.get('/app.css', serveAsset(deps.assets.styles));

  app.get('/', (c) => {
    c.header(
      'content-security-policy',
      "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:",
    );
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    return c.html(
      `<!doctype html>${(<Page scriptEtag={deps.assets.script.etag} stylesEtag={deps.assets.styles.etag} />).toString()}`,
    );
  });

  app.all('/api/*', async (c) => {
    const upstream = upstreamFor(c.req.path);
    if (!upstream) return c.json(apiErrorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404);
    const streaming = c.req.path === '/api/stream';
    const unavailable = () => {
      c.header('retry-after', '2');
      return c.json(
        apiErrorBody('UPSTREAM_UNAVAILABLE', `the ${upstream} service cannot be reached right now; try again shortly`),
        503,
      );
    };
    try {
      const response = await deps.dapr.invoke.forward(
        upstream,
        c.req.path.slice(1),
        c.req.raw,
        streaming ? undefined : API_TIMEOUT_MS,
      );
      // the sidecar's own answer when the app is down or restarting (not the app's): tell the browser to retry
      if (response.status === 500 && (await isInvocationFailure(response))) {
        deps.logger.warn({ upstream, path: c.req.path }, 'the sidecar could not reach the app');
        return unavailable();
      }
      return response;
    } catch (error) {
      deps.logger.warn({ err: error, upstream, path: c.req.path }, 'forwarding failed');
      return unavailable();
    }
  });
  return app;
}

/** Dapr answers a failed invocation itself with ERR_DIRECT_INVOKE; the apps answer `{ error: ... }`. */
async function isInvocationFailure(response: Response): Promise<boolean> {
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  return text.includes('"errorCode":"ERR_DIRECT_INVOKE"');
}
