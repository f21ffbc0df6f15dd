// State API routes (/v1.0/state/...) with daprd's status codes.
import { type Context, Hono } from 'hono';
import { DaprApiError, daprError } from '../errors';
import type { SidecarEnv } from '../sidecar-env';
import { type Operation, type PostgresStateStore, type SaveRequest, StateConflict } from './store';

const metadataOf = (query: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(query).flatMap(([k, v]) => (k.startsWith('metadata.') ? [[k.slice('metadata.'.length), v]] : [])),
  );

export function stateRoutes(stores: (appId: string) => Map<string, PostgresStateStore>): Hono<SidecarEnv> {
  const app = new Hono<SidecarEnv>();

  const storeOf = (appId: string, name: string) => {
    const store = stores(appId).get(name);
    if (!store) throw new DaprApiError(400, 'ERR_STATE_STORE_NOT_FOUND', `state store ${name} is not found`);
    return store;
  };

  const body = async <T>(req: Request): Promise<T> => {
    try {
      return (await req.json()) as T;
    } catch {
      throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'the request body is not valid JSON');
    }
  };

  app.post('/:store', async (c) => {
    const store = storeOf(c.var.appId, c.req.param('store'));
    const items = await body<SaveRequest[]>(c.req.raw);
    if (!Array.isArray(items))
      throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'the body must be an array of state items');
    try {
      await store.save(c.var.appId, items, metadataOf(c.req.query()));
    } catch (error) {
      if (!(error instanceof StateConflict)) throw error;
      throw new DaprApiError(
        error.status,
        'ERR_STATE_SAVE',
        `failed saving state in state store ${store.name}: ${error.message}`,
      );
    }
    return c.body(null, 204);
  });

  const bulk = async (c: Context<SidecarEnv>) => {
    const store = storeOf(c.var.appId, c.req.param('store') as string);
    const { keys } = await body<{ keys?: string[] }>(c.req.raw);
    if (!Array.isArray(keys)) throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'the body needs "keys": an array');
    const items = await Promise.all(
      keys.map(async (key) => {
        const item = await store.get(c.var.appId, key);
        return item ? { key, data: item.value, etag: item.etag } : { key };
      }),
    );
    return c.json(items);
  };
  app.post('/:store/bulk', bulk);
  app.put('/:store/bulk', bulk);

  const transaction = async (c: Context<SidecarEnv>) => {
    const store = storeOf(c.var.appId, c.req.param('store') as string);
    const { operations, metadata } = await body<{ operations?: Operation[]; metadata?: Record<string, string> }>(
      c.req.raw,
    );
    if (!Array.isArray(operations))
      throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'the body needs "operations": an array');
    try {
      await store.transact(c.var.appId, operations, { ...metadataOf(c.req.query()), ...metadata });
    } catch (error) {
      if (!(error instanceof StateConflict)) throw error;
      throw new DaprApiError(500, 'ERR_STATE_TRANSACTION', `error while executing state transaction: ${error.message}`);
    }
    return c.body(null, 204);
  };
  app.post('/:store/transaction', transaction);
  app.put('/:store/transaction', transaction);

  app.get('/:store/:key', async (c) => {
    const item = await storeOf(c.var.appId, c.req.param('store')).get(c.var.appId, c.req.param('key'));
    if (!item) return c.body(null, 204);
    c.header('ETag', item.etag);
    return c.json(item.value as object);
  });

  app.delete('/:store/:key', async (c) => {
    const key = c.req.param('key');
    try {
      await storeOf(c.var.appId, c.req.param('store')).delete(c.var.appId, key, c.req.header('if-match'));
    } catch (error) {
      if (!(error instanceof StateConflict)) throw error;
      throw new DaprApiError(409, 'ERR_STATE_DELETE', `failed deleting state with key ${key}: ${error.message}`);
    }
    return c.body(null, 204);
  });

  app.onError((error, c) => {
    if (error instanceof DaprApiError) return daprError(c, error.status, error.errorCode, error.message);
    return daprError(c, 500, 'ERR_STATE_SAVE', `state store failed: ${error.message}`);
  });
  return app;
}
