// A state.postgresql v1-compatible store: keys `<appId>||<key>`, JSON values, xmin as the ETag, TTL via expiredate.
import type pg from 'pg';
import { inTransaction, quoteIdent } from '../db';
import { DaprApiError } from '../errors';

export interface SaveRequest {
  key: string;
  value: unknown;
  etag?: string;
  options?: { concurrency?: string };
  metadata?: Record<string, string>;
}

export interface Operation {
  operation: 'upsert' | 'delete';
  request: SaveRequest;
}

const LIVE = '(expiredate is null or expiredate > now())';

/** A write the store refused, with daprd's reason and the status of a single save (a transaction answers 500). */
export class StateConflict extends Error {
  constructor(
    message: string,
    readonly status: 409 | 500,
  ) {
    super(message);
  }
}
const ETAG_MISMATCH = 'possible etag mismatch. error from state store';

const parseEtag = (etag: string, errorCode: string): number => {
  const unquoted = etag.replace(/^W\//, '').replace(/"/g, '');
  if (!/^\d+$/.test(unquoted)) throw new DaprApiError(400, errorCode, `invalid etag value: ${etag}`);
  return Number(unquoted);
};

const ttlOf = (metadata?: Record<string, string>): number | undefined => {
  const raw = metadata?.ttlInSeconds;
  if (raw === undefined) return undefined;
  const ttl = Number(raw);
  if (!Number.isInteger(ttl) || ttl < -1) throw new DaprApiError(400, 'ERR_STATE_SAVE', `invalid ttlInSeconds: ${raw}`);
  return ttl;
};

export class PostgresStateStore {
  private readonly table: string;

  constructor(
    readonly name: string,
    private readonly pool: pg.Pool,
    tableName: string,
  ) {
    this.table = quoteIdent(tableName);
  }

  private fullKey(appId: string, key: string) {
    if (key.includes('||'))
      throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', `"||" is reserved and cannot be in a key: ${key}`);
    return `${appId}||${key}`;
  }

  async get(appId: string, key: string): Promise<{ value: unknown; etag: string } | undefined> {
    const { rows } = await this.pool.query(
      `select value, xmin::text as etag from ${this.table} where key = $1 and ${LIVE}`,
      [this.fullKey(appId, key)],
    );
    return rows[0] ? { value: rows[0].value, etag: rows[0].etag } : undefined;
  }

  async save(appId: string, requests: SaveRequest[], queryMetadata: Record<string, string>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const request of requests) await this.upsert(client, appId, request, queryMetadata);
    });
  }

  async delete(appId: string, key: string, etag?: string): Promise<void> {
    await inTransaction(this.pool, (client) => this.remove(client, appId, key, etag));
  }

  async transact(appId: string, operations: Operation[], queryMetadata: Record<string, string>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const op of operations) {
        if (op.operation === 'upsert') await this.upsert(client, appId, op.request, queryMetadata);
        else if (op.operation === 'delete') await this.remove(client, appId, op.request.key, op.request.etag);
        else throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', `unknown operation: ${String(op.operation)}`);
      }
    });
  }

  private async upsert(
    client: pg.PoolClient,
    appId: string,
    request: SaveRequest,
    queryMetadata: Record<string, string>,
  ) {
    if (typeof request.key !== 'string' || request.key === '') {
      throw new DaprApiError(400, 'ERR_MALFORMED_REQUEST', 'each state item needs a key');
    }
    const key = this.fullKey(appId, request.key);
    const ttl = ttlOf({ ...queryMetadata, ...request.metadata });
    const expires = ttl !== undefined && ttl >= 0 ? `now() + make_interval(secs => ${ttl})` : 'null';
    const value = JSON.stringify(request.value ?? null);
    const hasEtag = request.etag !== undefined && request.etag !== '';
    if (hasEtag) {
      const etag = parseEtag(request.etag as string, 'ERR_STATE_SAVE');
      const { rowCount } = await client.query(
        `update ${this.table} set value = $2::jsonb, updatedate = now(), expiredate = ${expires}
         where key = $1 and xmin::text::bigint = $3 and ${LIVE}`,
        [key, value, etag],
      );
      if (rowCount === 0) throw new StateConflict(ETAG_MISMATCH, 409);
      return;
    }
    if (request.options?.concurrency === 'first-write') {
      // first-write without an ETag: only a key that does not exist yet may be written
      const { rowCount } = await client.query(
        `insert into ${this.table} (key, value, isbinary, expiredate) values ($1, $2::jsonb, false, ${expires})
         on conflict (key) do update set value = excluded.value, updatedate = now(), expiredate = excluded.expiredate
         where not ${LIVE.replace(/expiredate/g, `${this.table}.expiredate`)}`,
        [key, value],
      );
      // daprd's state.postgresql answers this one as a plain failure (500), not as an ETag mismatch (409)
      if (rowCount === 0) throw new StateConflict('no item was updated', 500);
      return;
    }
    await client.query(
      `insert into ${this.table} (key, value, isbinary, expiredate) values ($1, $2::jsonb, false, ${expires})
       on conflict (key) do update set value = excluded.value, updatedate = now(), expiredate = excluded.expiredate`,
      [key, value],
    );
  }

  private async remove(client: pg.PoolClient, appId: string, rawKey: string, etag?: string) {
    const key = this.fullKey(appId, rawKey);
    if (etag !== undefined && etag !== '') {
      const { rowCount } = await client.query(`delete from ${this.table} where key = $1 and xmin::text::bigint = $2`, [
        key,
        parseEtag(etag, 'ERR_STATE_DELETE'),
      ]);
      if (rowCount === 0) throw new StateConflict(ETAG_MISMATCH, 409);
      return;
    }
    await client.query(`delete from ${this.table} where key = $1`, [key]);
  }
}
