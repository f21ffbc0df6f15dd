import { Writable } from 'node:stream';
import { Hono } from 'hono';
import pino from 'pino';
import { healthRoutes } from './health';
import { createLogger } from './logger';
import { startApp } from './serve';

describe('health routes', () => {
  it('answers /healthz while the process lives, whatever the dependencies', async () => {
    const app = healthRoutes({ database: () => Promise.reject(new Error('down')) });
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('answers /readyz 200 when every check passes', async () => {
    const app = healthRoutes({ sidecar: async () => {}, database: async () => {} });
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: ['sidecar', 'database'] });
  });

  it('answers /readyz 503 naming the failed check and its reason', async () => {
    const app = healthRoutes({
      sidecar: async () => {},
      database: () => Promise.reject(new Error('connection refused')),
    });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'NOT_READY', message: 'database: connection refused' },
    });
  });

  it('counts a check that hangs as failed', async () => {
    const app = healthRoutes({ sidecar: () => new Promise(() => {}) }, 50);
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toBe('sidecar: no answer within 50 ms');
  });
});

describe('logger', () => {
  it('writes JSON with the app id and redacts secrets and tokens', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('backend', { destination });
    logger.info(
      {
        password: 'hunter2',
        secret: { DATABASE_URL: 'postgres://user:pw@host/db' },
        req: { headers: { authorization: 'Bearer abc', 'dapr-api-token': 'tok' } },
        OPENAI_API_KEY: 'sk-123',
      },
      'hello',
    );
    const text = lines.join('');
    const line = JSON.parse(text);
    expect(line).toMatchObject({ app: 'backend', level: 'info', msg: 'hello' });
    for (const secret of ['hunter2', 'postgres://user:pw', 'Bearer abc', 'tok"', 'sk-123']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('graceful stop', () => {
  it('finishes an in-flight request, refuses new ones, then closes resources', async () => {
    const order: string[] = [];
    let release!: () => void;
    const app = new Hono().get('/slow', async (c) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      order.push('request finished');
      return c.text('done');
    });
    const running = await startApp({
      app,
      port: 0,
      hostname: '127.0.0.1',
      logger: pino({ level: 'silent' }),
      onClose: [() => void order.push('pool closed')],
    });
    const inFlight = fetch(`http://127.0.0.1:${running.port}/slow`).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = running.stop();
    await expect(fetch(`http://127.0.0.1:${running.port}/slow`)).rejects.toThrow();
    release();
    await expect(inFlight).resolves.toBe('done');
    await stopped;
    expect(order).toEqual(['request finished', 'pool closed']);
  });
});
