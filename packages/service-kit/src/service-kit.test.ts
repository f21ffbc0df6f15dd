import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { APP_IDS, COMPONENTS, LOCAL_PORTS, ReminderEventSchema } from '@todo/contracts';
import { DaprUnreachableError } from '@todo/dapr';
import { Hono } from 'hono';
import pino from 'pino';
import { ApiError, installErrorHandlers, validationFailed } from './errors';
import { healthRoutes } from './health';
import { createLogger } from './logger';
import { appPorts, startApp } from './serve';

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
    const logger = createLogger(APP_IDS.backend, { destination });
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
    expect(line).toMatchObject({ app: APP_IDS.backend, level: 'info', msg: 'hello' });
    for (const secret of ['hunter2', 'postgres://user:pw', 'Bearer abc', 'tok"', 'sk-123']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('graceful stop', () => {
  /** An app whose /slow waits for `release()`; `arrived` resolves once a request is in its handler. */
  async function slowApp() {
    const order: string[] = [];
    let release!: () => void;
    let arrived!: () => void;
    const handling = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const app = new Hono().get('/slow', async (c) => {
      arrived();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      order.push('handler finished');
      return c.text('done');
    });
    const running = await startApp({
      app,
      port: 0,
      hostname: '127.0.0.1',
      logger: pino({ level: 'silent' }),
      onClose: [() => void order.push('pool closed')],
    });
    return { order, running, handling, release: () => release(), url: `http://127.0.0.1:${running.port}/slow` };
  }

  it('finishes an in-flight request, refuses new ones, then closes resources', async () => {
    const { order, running, handling, release, url } = await slowApp();
    const inFlight = fetch(url).then((r) => r.text());
    await handling;
    const stopped = running.stop();
    await expect(fetch(url)).rejects.toThrow();
    release();
    await expect(inFlight).resolves.toBe('done');
    await stopped;
    expect(order).toEqual(['handler finished', 'pool closed']);
  });

  it('waits for the handler of a client that left before closing what it uses', async () => {
    const { order, running, handling, release, url } = await slowApp();
    const client = new AbortController();
    const left = fetch(url, { signal: client.signal }).catch(() => 'left');
    await handling;
    client.abort();
    await expect(left).resolves.toBe('left');
    const stopped = running.stop();
    // the connection is gone, so the server has closed; the handler still runs and nothing is closed under it
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(order).toEqual([]);
    release();
    await stopped;
    expect(order).toEqual(['handler finished', 'pool closed']);
  });
});

describe('error answers', () => {
  const app = new Hono();
  const logger = pino({ level: 'silent' });
  installErrorHandlers(app, logger);
  const pgError = (code: string) =>
    Object.assign(new Error('terminating connection due to administrator command'), { code });
  app.get('/db-restarting', () => {
    throw pgError('57P01');
  });
  app.get('/db-refused', () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  });
  app.get('/sidecar-down', () => {
    throw new DaprUnreachableError({ block: 'state', target: COMPONENTS.stateStore, operation: 'get' }, 'fetch failed');
  });
  app.get('/unique-violation', () => {
    throw pgError('23505');
  });
  app.get('/caller-wrong', () => {
    throw new ApiError(422, 'SOMETHING', 'a reason');
  });

  it('answers 503 with Retry-After for an unreachable database or sidecar, 500 for a bug, 4xx for the caller', async () => {
    const answer = async (path: string) => {
      const res = await app.request(path);
      return { status: res.status, retry: res.headers.get('retry-after'), code: (await res.json()).error.code };
    };
    expect(await answer('/db-restarting')).toEqual({ status: 503, retry: '2', code: 'DATABASE_UNAVAILABLE' });
    expect(await answer('/db-refused')).toEqual({ status: 503, retry: '2', code: 'DATABASE_UNAVAILABLE' });
    expect(await answer('/sidecar-down')).toEqual({ status: 503, retry: '2', code: 'SIDECAR_UNAVAILABLE' });
    expect(await answer('/unique-violation')).toEqual({ status: 500, retry: null, code: 'INTERNAL' });
    expect(await answer('/caller-wrong')).toEqual({ status: 422, retry: null, code: 'SOMETHING' });
    expect(await answer('/no-such-route')).toEqual({ status: 404, retry: null, code: 'NOT_FOUND' });
  });
});

describe('validation failures', () => {
  it('answer 400 VALIDATION_FAILED naming each field and its reason, in the details and the message', async () => {
    const parsed = ReminderEventSchema.safeParse({ task_id: 'nope', title: 'Call' });
    if (parsed.success) throw new Error('the event should not parse');
    const app = new Hono();
    installErrorHandlers(app, pino({ level: 'silent' }));
    app.get('/', () => {
      throw validationFailed(parsed.error, 'the event is not valid');
    });
    const res = await app.request('/');
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d: { path: string }) => d.path)).toEqual(['task_id', 'due_at', 'remind_at', 'user_id']);
    expect(error.message).toMatch(/^the event is not valid: task_id: [^;]+; due_at: /);
  });

  it('join issues found without a schema the same way', () => {
    const error = validationFailed([{ path: 'remind_at', message: 'after the due date' }]);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'remind_at: after the due date' });
  });
});

describe('app ports', () => {
  const saved = { APP_PORT: process.env.APP_PORT, METRICS_PORT: process.env.METRICS_PORT };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("default to the app's local port and that port + 1000 for metrics", () => {
    delete process.env.APP_PORT;
    delete process.env.METRICS_PORT;
    const { app } = LOCAL_PORTS[APP_IDS.backend];
    expect(appPorts(APP_IDS.backend)).toEqual({ port: app, metricsPort: app + 1000 });
  });

  it('follow APP_PORT, and METRICS_PORT when it is set', () => {
    process.env.APP_PORT = '8100';
    delete process.env.METRICS_PORT;
    expect(appPorts(APP_IDS.backend)).toEqual({ port: 8100, metricsPort: 9100 });
    process.env.METRICS_PORT = '9464';
    expect(appPorts(APP_IDS.backend)).toEqual({ port: 8100, metricsPort: 9464 });
  });
});

describe('requests Node refuses before the app', () => {
  it('answers headers over 16 KB and malformed HTTP with a JSON error body', async () => {
    const hono = new Hono();
    hono.get('/', (c) => c.text('ok'));
    const running = await startApp({ app: hono, port: 0, hostname: '127.0.0.1', logger: pino({ level: 'silent' }) });
    try {
      const long = await fetch(`http://127.0.0.1:${running.port}/?q=${'x'.repeat(20_000)}`);
      expect(long.status).toBe(431);
      expect((await long.json()).error.code).toBe('HEADERS_TOO_LARGE');
      const raw = await new Promise<string>((resolve) => {
        const socket = connect(running.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk;
        });
        socket.on('close', () => resolve(text));
      });
      expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code).toBe('BAD_REQUEST');
    } finally {
      await running.stop();
    }
  });
});
