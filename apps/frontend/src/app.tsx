// The frontend: the page, its assets, and /api/* forwarded through its own sidecar (Dapr service invocation),
// streams included. No backend address anywhere: only app ids.
import { getConnInfo } from '@hono/node-server/conninfo';
import {
  APP_IDS,
  apiErrorBody,
  CLIENT_ADDRESS_HEADER,
  headerNotUtf8,
  matchBrowserRoute,
  STREAM_PATH,
} from '@todo/contracts';
import type { Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers, instrument } from '@todo/service-kit';
import { type Context, Hono } from 'hono';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import type { Asset } from './assets';
import { Page } from './page';

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
  app.use('*', pageSecurityHeaders);

  // the ETag is the asset's precomputed hash (the page's ?v= too); etag() answers a matching If-None-Match with 304
  const serveAsset = (asset: Asset) => (c: Context) =>
    c.body(asset.body, 200, { etag: asset.etag, 'cache-control': 'public, max-age=300', 'content-type': asset.type });
  app.get('/app.js', etag(), serveAsset(deps.assets.script));
  app.get('/app.css', etag(), serveAsset(deps.assets.styles));

  app.get('/', (c) => {
    return c.html(
      `<!doctype html>${(<Page scriptEtag={deps.assets.script.etag} stylesEtag={deps.assets.styles.etag} />).toString()}`,
    );
  });

  app.all('/api/*', async (c) => {
    // only the routes the browser's API has, rebuilt from validated segments: never a sidecar-only route
    const target = matchBrowserRoute(c.req.method, new URL(c.req.url).pathname, c.req.path);
    if (!target) return c.json(apiErrorBody('NOT_FOUND', `no API route for ${c.req.method} ${c.req.path}`), 404);
    const upstream = target.app;
    const badHeader = headerNotUtf8(c.req.raw.headers);
    if (badHeader) {
      return c.json(apiErrorBody('INVALID_HEADER', `the ${badHeader} header must be UTF-8 text`), 400);
    }
    const unavailable = () => {
      c.header('retry-after', '2');
      return c.json(
        apiErrorBody('UPSTREAM_UNAVAILABLE', `the ${upstream} service cannot be reached right now; try again shortly`),
        503,
      );
    };
    try {
      const streaming = target.route.path === STREAM_PATH;
      const response = await deps.dapr.invoke.forward(
        upstream,
        target.path.slice(1),
        c.req.raw,
        streaming ? undefined : API_TIMEOUT_MS,
        { [CLIENT_ADDRESS_HEADER]: clientAddress(c) },
      );
      // the sidecar's own answer when the app is down or restarting (not the app's): tell the browser to retry
      if (response.status === 500 && (await isInvocationFailure(response))) {
        deps.logger.warn({ upstream, path: c.req.path }, 'the sidecar could not reach the app');
        return unavailable();
      }
      // a fetch response's headers are immutable: copy them so this app's own (security, trace) can be added
      const { status, statusText } = response;
      return new Response(response.body, { status, statusText, headers: new Headers(response.headers) });
    } catch (error) {
      deps.logger.warn({ err: error, upstream, path: c.req.path }, 'forwarding failed');
      return unavailable();
    }
  });
  return app;
}

/** The address the browser connected from (the backend throttles sign-ins by it); 'unknown' outside a server. */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The page cannot be framed, leaks no referrer, runs only its own script and styles. */
const pageSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    objectSrc: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  crossOriginEmbedderPolicy: false,
});

/** Dapr answers a failed invocation itself with ERR_DIRECT_INVOKE; the apps answer `{ error: ... }`. */
async function isInvocationFailure(response: Response): Promise<boolean> {
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  return text.includes('"errorCode":"ERR_DIRECT_INVOKE"');
}
