// One sidecar's HTTP API, bound to one app id: the building blocks our apps use, and 501 for everything else.
import { timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { daprdBodyLimit } from './body-limit';
import { DaprApiError, daprError } from './errors';
import { JobSpecSchema } from './jobs/schedule';
import { type BulkEntry, bulkEntries } from './pubsub/bulk';
import type { Runtime } from './runtime';
import { SecretNotFound } from './secret-stores';
import type { SidecarEnv } from './sidecar-env';
import { stateRoutes } from './state/routes';

const sameSecret = (a: string, b: string) =>
  Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b));

// daprd 1.18 answers 401 here, not 400
const secretStoreNotFound = (c: Context, name: string) =>
  daprError(c, 401, 'ERR_SECRET_STORE_NOT_FOUND', `failed finding secret store with key ${name}`);

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
        // daprd's answer word for word: plain text, no error code
        return c.text('invalid api token\n', 401);
      }
    }
    await next();
  });

  app.use('*', daprdBodyLimit());

  app.get('/v1.0/metadata', async (c) => c.json(await runtime.metadata(appId)));

  app.route(
    '/v1.0/state',
    stateRoutes((id) => runtime.stateStores(id)),
  );

  app.get('/v1.0/secrets/:store/bulk', (c) => {
    const store = runtime.secretStores(appId).get(c.req.param('store'));
    if (!store) return secretStoreNotFound(c, c.req.param('store'));
    return c.json(store.bulk());
  });
  app.get('/v1.0/secrets/:store/:name', (c) => {
    const { store: storeName, name } = c.req.param();
    const store = runtime.secretStores(appId).get(storeName);
    if (!store) return secretStoreNotFound(c, storeName);
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

  // bulk publish: served under v1.0-alpha1 and, since 1.18, v1.0; daprd answers 204, or 500 naming the failed entries
  for (const version of ['v1.0-alpha1', 'v1.0']) {
    app.post(`/${version}/publish/bulk/:pubsub/:topic`, async (c) => {
      const { pubsub, topic } = c.req.param();
      const metadata: Record<string, string> = {};
      for (const [key, value] of Object.entries(c.req.query())) {
        if (key.startsWith('metadata.')) metadata[key.slice('metadata.'.length)] = value;
      }
      let entries: BulkEntry[] = [];
      try {
        entries = bulkEntries(await c.req.text(), pubsub, topic);
        await runtime.publishBulk(appId, pubsub, topic, entries, metadata);
      } catch (error) {
        if (error instanceof DaprApiError) return daprError(c, error.status, error.errorCode, error.message);
        const reason = (error as Error).message;
        return c.json(
          {
            failedEntries: entries.map((e) => ({ entryId: e.entryId, error: reason })),
            errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE',
          },
          500,
        );
      }
      return c.body(null, 204);
    });
  }

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
      const name = c.req.param('name');
      const job = await runtime.jobs.get(appId, name);
      if (!job) {
        return daprError(
          c,
          500,
          'DAPR_SCHEDULER_GET_JOB',
          `failed to get job due to: rpc error: code = NotFound desc = job not found: ${name}`,
        );
      }
      // daprd 1.18 cannot encode a job without data (a bug apps must not trip over in the cluster either)
      if (job.data === undefined) {
        return daprError(
          c,
          500,
          'ERR_INTERNAL',
          'failed to encode response as JSON: proto: google.protobuf.Value: none of the oneof fields is set',
        );
      }
      return c.json({
        ...job,
        data: { '@type': 'type.googleapis.com/google.protobuf.Value', value: job.data },
        failurePolicy: job.failurePolicy ?? { constant: { interval: '1s', maxRetries: 3 } },
      });
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
