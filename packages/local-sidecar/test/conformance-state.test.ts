// The state API over plain HTTP on both runtimes: ETags, first-write, transactions, TTL and their error answers.
import { eventually, stateComponent } from '@todo/testkit';
import { apiOf, appIds, eachRuntime, type Sidecars, START_TIMEOUT_MS, startSidecars } from './sidecars';

eachRuntime('conformance-state.test.ts', {}, (runtime) => {
  const ids = appIds('one', 'other');
  let sidecars: Sidecars;
  const api = apiOf(() => sidecars, ids.one);
  const save = (items: unknown[]) => api('/v1.0/state/statestore', { method: 'POST', body: JSON.stringify(items) });
  const transact = (operations: unknown[]) =>
    api('/v1.0/state/statestore/transaction', { method: 'POST', body: JSON.stringify({ operations }) });

  beforeAll(async () => {
    sidecars = await startSidecars(runtime, {
      apps: [{ appId: ids.one }, { appId: ids.other }],
      components: (db) => [stateComponent('statestore', db)],
      apiToken: 'api-token',
    });
  }, START_TIMEOUT_MS);
  afterAll(() => sidecars?.stop(), START_TIMEOUT_MS);

  it('returns the ETag header on get, and 409 ERR_STATE_SAVE/ERR_STATE_DELETE for a stale one', async () => {
    await save([{ key: 'e', value: 'v1' }]);
    const got = await api('/v1.0/state/statestore/e');
    expect(got.status).toBe(200);
    expect(await got.json()).toBe('v1');
    const etag = got.headers.get('etag') as string;
    expect(etag).toMatch(/^\d+$/);
    const stale = String(Number(etag) + 1000);

    const staleSave = await save([{ key: 'e', value: 'v2', etag: stale }]);
    expect(staleSave.status).toBe(409);
    expect(await staleSave.json()).toMatchObject({
      errorCode: 'ERR_STATE_SAVE',
      message: 'failed saving state in state store statestore: possible etag mismatch. error from state store',
    });
    const staleDelete = await api('/v1.0/state/statestore/e', { method: 'DELETE', headers: { 'if-match': stale } });
    expect(staleDelete.status).toBe(409);
    expect(await staleDelete.json()).toMatchObject({
      errorCode: 'ERR_STATE_DELETE',
      message: 'failed deleting state with key e: possible etag mismatch. error from state store',
    });

    const gone = await api('/v1.0/state/statestore/e', { method: 'DELETE', headers: { 'if-match': etag } });
    expect(gone.status).toBe(204);
    expect((await api('/v1.0/state/statestore/e')).status).toBe(204);
  });

  it('answers 400 ERR_STATE_SAVE for an ETag that is not a number', async () => {
    await save([{ key: 'n', value: 1 }]);
    const res = await save([{ key: 'n', value: 2, etag: 'abc' }]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorCode: 'ERR_STATE_SAVE' });
  });

  it('lets first-write without an ETag create a key once, and answers 500 (not 409) the second time', async () => {
    const write = () => save([{ key: 'once', value: 1, options: { concurrency: 'first-write' } }]);
    expect((await write()).status).toBe(204);
    const again = await write();
    expect(again.status).toBe(500);
    expect(await again.json()).toEqual({
      errorCode: 'ERR_STATE_SAVE',
      message: 'failed saving state in state store statestore: no item was updated',
    });
  });

  it('runs a transaction all or nothing, and answers 500 ERR_STATE_TRANSACTION when an ETag is stale', async () => {
    await save([{ key: 't1', value: 1 }]);
    const failed = await transact([
      { operation: 'upsert', request: { key: 't2', value: 2 } },
      { operation: 'delete', request: { key: 't1', etag: '1' } },
    ]);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      errorCode: 'ERR_STATE_TRANSACTION',
      message: 'error while executing state transaction: possible etag mismatch. error from state store',
    });
    expect((await api('/v1.0/state/statestore/t2')).status).toBe(204);

    const firstWrite = await transact([
      { operation: 'upsert', request: { key: 't1', value: 9, options: { concurrency: 'first-write' } } },
    ]);
    expect(firstWrite.status).toBe(500);
    expect((await firstWrite.json()).message).toBe('error while executing state transaction: no item was updated');

    const ok = await transact([
      { operation: 'upsert', request: { key: 't2', value: 2 } },
      { operation: 'delete', request: { key: 't1' } },
    ]);
    expect(ok.status).toBe(204);
    expect(await (await api('/v1.0/state/statestore/t2')).json()).toBe(2);
    expect((await api('/v1.0/state/statestore/t1')).status).toBe(204);
  });

  it('answers 400 ERR_MALFORMED_REQUEST for a body that is not JSON', async () => {
    const res = await api('/v1.0/state/statestore', { method: 'POST', body: 'nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorCode: 'ERR_MALFORMED_REQUEST' });
  });

  it('expires state after ttlInSeconds', async () => {
    await save([{ key: 'short', value: 1, metadata: { ttlInSeconds: '1' } }]);
    expect((await api('/v1.0/state/statestore/short')).status).toBe(200);
    await eventually(async () => expect((await api('/v1.0/state/statestore/short')).status).toBe(204), 3_000, 100);
  });

  it('keeps each app id in its own key space', async () => {
    await save([{ key: 'mine', value: 'one' }]);
    expect((await apiOf(() => sidecars, ids.other)('/v1.0/state/statestore/mine')).status).toBe(204);
  });

  it('answers 400 ERR_STATE_STORE_NOT_FOUND for an unknown state store', async () => {
    const res = await api('/v1.0/state/nope/k');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      errorCode: 'ERR_STATE_STORE_NOT_FOUND',
      message: 'state store nope is not found',
    });
  });
});
