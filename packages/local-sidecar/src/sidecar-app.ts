// One sidecar's HTTP API, bound to one app id: the building blocks our apps use, and 501 for everything else.
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DaprApiError, daprError } from './errors';
import { JobSpecSchema } from './jobs/schedule';
import type { Runtime } from './runtime';
import { SecretNotFound } from './secret-stores';
import type { SidecarEnv } from './sidecar-env';
import { stateRoutes } from './state/routes';

const sameSecret = (a: string, b: string) =>
  Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** daprd's default `--max-body-size` (4Mi). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function sidecarApp(runtime: Runtime, appId: string, apiToken: string | undefined): Hono<SidecarEnv> {
  const app = new Hono<SidecarEnv>();

  app.use('*', async (c, next) => {
    c.set('appId', appId);
    await next();
  });

  app.get('/v1.0/healthz', (c) =>
    runtime.ready ? c.body(null, 204) : daprError(c, 500, 'ERR_HEALTH_NOT_READY', 'dapr is not ready'),
  );
  app.get('/v1.0/healthz/outbound', (c) =>
    runtime.ready ? c.body(null, 204) : daprError(c, 500, 'ERR_HEALTH_NOT_READY', 'dapr is not ready'),
  );

  // every other API call needs the API token when one is configured (DAPR_API_TOKEN)
  app.use('*', async (c, next) => {
    if (apiToken) {
      const sent = c.req.header('dapr-api-token');
      if (!sent || !sameSecret(sent, apiToken)) {
        return daprError(c, 401, 'ERR_API_UNAUTHORIZED', 'invalid or missing dapr-api-token header');
      }
    }
    await next();
  });

  // daprd's --max-body-size default: a larger body is never buffered
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => daprError(c, 413, 'ERR_BODY_TOO_LARGE', `request body larger than ${MAX_BODY_BYTES} bytes`),
    }),
  );

  app.get('/v1.0/metadata', async (c) => c.json(await runtime.metadata(appId)));

  app.route(
    '/v1.0/state',
    stateRoutes((id) => runtime.stateStores(id)),
  );

  app.get('/v1.0/secrets/:store/bulk', (c) => {
    const store = runtime.secretStores(appId).get(c.req.param('store'));
    if (!store)
      return daprError(c, 400, 'ERR_SECRET_STORE_NOT_FOUND', `secret store ${c.req.param('store')} not found`);
    return c.json(store.bulk());
  });
  app.get('/v1.0/secrets/:store/:name', (c) => {
    const { store: storeName, name } = c.req.param();
    const store = runtime.secretStores(appId).get(storeName);
    if (!store) return daprError(c, 400, 'ERR_SECRET_STORE_NOT_FOUND', `secret store ${storeName} not found`);
    try {
      return c.json(store.get(name));
    } catch (error) {
      const reason =
        error instanceof SecretNotFound ? error.message : `cannot read the store: ${(error as Error).message}`;
      return daprError(
        c,
        500,
        'ERR_SECRET_GET',
        `failed getting secret with key ${name} from secret store ${storeName}: ${reason}`,
      );
    }
  });

  app.post('/v1.0/publish/:pubsub/:topic', async (c) => {
    const { pubsub, topic } = c.req.param();
    const query = c.req.query();
    try {
      await runtime.publish(appId, pubsub, topic, {
        contentType: c.req.header('content-type') ?? 'text/plain',
        rawBody: await c.req.text(),
        rawPayload: query['metadata.rawPayload'] === 'true',
        ttlSeconds: query['metadata.ttlInSeconds'] ? Number(query['metadata.ttlInSeconds']) : undefined,
        partitionKey: query['metadata.partitionKey'] || undefined,
        traceparent: c.req.header('traceparent'),
      });
    } catch (error) {
      if (error instanceof DaprApiError) return daprError(c, error.status, error.errorCode, error.message);
      return daprError(
        c,
        500,
        'ERR_PUBSUB_PUBLISH_MESSAGE',
        `error when publishing to topic ${topic}: ${(error as Error).message}`,
      );
    }
    return c.body(null, 204);
  });

  app.all('/v1.0/invoke/:target/method/*', (c) => {
    const target = c.req.param('target');
    const prefix = `/v1.0/invoke/${encodeURIComponent(target)}/method/`;
    const raw = new URL(c.req.url).pathname;
    const method = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw.split('/method/').slice(1).join('/method/');
    return runtime.invoker.invoke(appId, target, method, c.req.raw);
  });

  for (const version of ['v1.0-alpha1', 'v1.0']) {
    app.post(`/${version}/jobs/:name`, async (c) => {
      let input: unknown;
      try {
        input = await c.req.json();
      } catch {
        return daprError(c, 400, 'ERR_MALFORMED_REQUEST', 'the job body is not valid JSON');
      }
      const parsed = JobSpecSchema.safeParse(input);
      if (!parsed.success) {
        const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`).join('; ');
        return daprError(c, 400, 'ERR_MALFORMED_REQUEST', reason);
      }
      try {
        await runtime.jobs.schedule(appId, c.req.param('name'), parsed.data);
      } catch (error) {
        if (error instanceof DaprApiError) return daprError(c, error.status, error.errorCode, error.message);
        throw error;
      }
      return c.body(null, 204);
    });
    app.get(`/${version}/jobs/:name`, async (c) => {
      const job = await runtime.jobs.get(appId, c.req.param('name'));
      return job ? c.json(job) : daprError(c, 404, 'ERR_JOB_NOT_FOUND', `job ${c.req.param('name')} not found`);
    });
    app.delete(`/${version}/jobs/:name`, async (c) => {
      await runtime.jobs.delete(appId, c.req.param('name'));
      return c.body(null, 204);
    });
  }

  // invocation by header: any path with dapr-app-id goes to that app
  app.all('*', (c) => {
    const target = c.req.header('dapr-app-id');
    if (target) return runtime.invoker.invoke(appId, target, new URL(c.req.url).pathname.replace(/^\//, ''), c.req.raw);
    return daprError(
      c,
      501,
      'ERR_NOT_IMPLEMENTED',
      `the stand-in sidecar does not implement ${c.req.method} ${c.req.path}; run real Dapr (dapr run -f .) for it`,
    );
  });

  app.onError((error, c) => daprError(c, 500, 'ERR_INTERNAL', `stand-in sidecar error: ${error.message}`));
  return app;
}
