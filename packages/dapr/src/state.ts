// State API with ETags: reads return the ETag, writes can require it (first-write wins).
import type { SidecarHttp } from './http';

export interface StateItem<T> {
  key: string;
  value: T;
  etag: string;
}

export interface SaveItem<T = unknown> {
  key: string;
  value: T;
  /** With an ETag the write only succeeds if the stored ETag still matches (first-write). */
  etag?: string;
  /** first-write without an ETag: the write succeeds only if the key does not exist yet. */
  concurrency?: 'first-write' | 'last-write';
  ttlInSeconds?: number;
}

export type TransactionOperation<T = unknown> =
  | { operation: 'upsert'; key: string; value: T; etag?: string; ttlInSeconds?: number }
  | { operation: 'delete'; key: string; etag?: string };

const requestOf = (item: { key: string; etag?: string; concurrency?: string; ttlInSeconds?: number }) => ({
  key: item.key,
  ...(item.etag !== undefined ? { etag: item.etag, options: { concurrency: 'first-write' } } : {}),
  ...(item.etag === undefined && item.concurrency ? { options: { concurrency: item.concurrency } } : {}),
  ...(item.ttlInSeconds !== undefined ? { metadata: { ttlInSeconds: String(item.ttlInSeconds) } } : {}),
});

export class StateClient {
  constructor(private readonly http: SidecarHttp) {}

  async get<T>(store: string, key: string): Promise<StateItem<T> | undefined> {
    const { status, headers, value } = await this.http.json<T>({
      context: { block: 'state', target: store, operation: `get "${key}"` },
      method: 'GET',
      path: `/v1.0/state/${encodeURIComponent(store)}/${encodeURIComponent(key)}`,
      accept: [200, 204],
    });
    if (status === 204 || value === undefined) return undefined;
    return { key, value, etag: headers.get('etag') ?? '' };
  }

  async save(store: string, items: SaveItem[]): Promise<void> {
    await this.http.send({
      context: { block: 'state', target: store, operation: `save ${items.map((i) => `"${i.key}"`).join(', ')}` },
      method: 'POST',
      path: `/v1.0/state/${encodeURIComponent(store)}`,
      body: items.map((item) => ({ ...requestOf(item), value: item.value })),
      accept: [200, 201, 204],
    });
  }

  async delete(store: string, key: string, options: { etag?: string } = {}): Promise<void> {
    await this.http.send({
      context: { block: 'state', target: store, operation: `delete "${key}"` },
      method: 'DELETE',
      path: `/v1.0/state/${encodeURIComponent(store)}/${encodeURIComponent(key)}`,
      query: options.etag !== undefined ? { concurrency: 'first-write' } : undefined,
      headers: options.etag !== undefined ? { 'if-match': options.etag } : undefined,
      accept: [200, 204],
    });
  }

  /** Values of many keys; keys that do not exist are left out. */
  async getBulk<T>(store: string, keys: string[]): Promise<StateItem<T>[]> {
    // daprd answers with `data`; the reference page's example says `value`: accept both.
    const { value } = await this.http.json<{ key: string; data?: T; value?: T; etag?: string }[]>({
      context: { block: 'state', target: store, operation: 'bulk get' },
      method: 'POST',
      path: `/v1.0/state/${encodeURIComponent(store)}/bulk`,
      body: { keys, parallelism: 10 },
      accept: [200],
    });
    return (value ?? []).flatMap((item) => {
      const data = item.data ?? item.value;
      return data === undefined || data === null ? [] : [{ key: item.key, value: data, etag: item.etag ?? '' }];
    });
  }

  /** All operations commit together or none does. */
  async transaction(store: string, operations: TransactionOperation[]): Promise<void> {
    await this.http.send({
      context: { block: 'state', target: store, operation: 'transaction' },
      method: 'POST',
      path: `/v1.0/state/${encodeURIComponent(store)}/transaction`,
      body: {
        operations: operations.map((op) => ({
          operation: op.operation,
          request: { ...requestOf(op), ...(op.operation === 'upsert' ? { value: op.value } : {}) },
        })),
      },
      accept: [200, 204],
    });
  }
}
