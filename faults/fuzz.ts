// Requests no client should send: fast-check builds them across every endpoint (through the frontend as a browser
// would, and the MCP endpoint and the sidecar-only routes as the sidecar would, with the app token), with odd paths,
// query values, bodies, content types and tokens, control characters in text fields, headers and encoded in paths,
// huge numbers, and `Expect: 100-continue` (sent with node:http: fetch refuses it). Nothing may answer 5xx, and every
// 4xx must say what was wrong.
import { request as httpRequest } from 'node:http';
import {
  APP_IDS,
  type AppId,
  CURRENT_USER_PATH,
  jobTriggerPath,
  NEXT_OCCURRENCE_ROUTE,
  reminderJobName,
} from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';
import fc from 'fast-check';
import { CreateTaskSchema } from '../apps/backend/src/tasks/input';

export interface FuzzFigures {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  withoutReason: number;
  /** Distinct method + app + route patterns the requests reached (ids and queries folded). */
  endpoints: number;
  examples: string[];
  seed: number;
}

interface FuzzRequest {
  /** Which app's port: the frontend for what a browser sends, the app itself for what its sidecar sends. */
  target: AppId;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  token: 'own' | 'other' | 'none' | 'garbage';
  appToken: boolean;
  /** Extra headers: odd Idempotency-Key or Last-Event-ID values, `Expect: 100-continue`. */
  headers?: Record<string, string>;
}

// the fields the API takes, from its own schema, so the fuzzer follows the API as it changes
const TASK_FIELDS = Object.keys(CreateTaskSchema.shape);
const QUERY_FIELDS = ['q', 'status', 'priority', 'tags', 'due_from', 'due_to', 'overdue', 'sort', 'order', 'limit'];
const OTHER_QUERY = ['cursor', 'unread', 'task_id', 'from', 'to', 'since'];

/** Text with a control character in it (C0, DEL or C1), where a person would type a title or a message. */
const controlText = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })),
    fc.string({ maxLength: 12 }),
  )
  .map(([before, code, after]) => `${before}${String.fromCharCode(code)}${after}`);

/** Numbers past what Postgres, JavaScript or a date can hold, as numbers and as strings. */
const hugeNumber = fc.oneof(
  fc.constantFrom(
    2 ** 63,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    1e21,
    '9223372036854775808',
    '99999999999999999999999999999',
    '-9223372036854775809',
    '1e400',
    '0x7fffffffffffffff',
  ),
  fc.bigInt({ min: 2n ** 63n, max: 2n ** 200n }).map(String),
);

/** Values that break things: wrong types, huge, empty, unicode, near-dates, injections, control characters. */
const oddValue = fc.oneof(
  controlText,
  hugeNumber,
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(20_000),
    "'; drop table tasks; --",
    '2030-02-30T09:00:00Z',
    '2030-01-01T09:00:00',
    '2030-01-01T09:00:00+25:00',
    'FREQ=SECONDLY;INTERVAL=0',
    'FREQ=DAILY;COUNT=-1',
    'Mars/Olympus_Mons',
    'high',
    '-1',
    '1e309',
    'NaN',
    '\u0000',
    'a\u0000b',
    '\u001b[31mred',
    '\t\r\n',
    '\u007f',
    '\u0085',
    '../../etc/passwd',
  ),
  fc.array(fc.string(), { maxLength: 30 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
);

/** As a query value: String() throws on the null-prototype objects fc.dictionary makes, so objects go as JSON. */
const asText = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

const taskBody = fc.dictionary(fc.constantFrom(...TASK_FIELDS, 'id', 'user_id', 'version', 'status'), oddValue, {
  maxKeys: 6,
});
/** A task that is valid but for one text field with a control character: it must be refused by name, not stored. */
const taskWithControl = fc
  .record({
    field: fc.constantFrom('title', 'description', 'recurrence', 'timezone'),
    text: controlText,
    tags: fc.option(fc.array(controlText, { maxLength: 3 }), { nil: undefined }),
  })
  .map(({ field, text, tags }) => ({ title: 'fuzzed task', [field]: text, ...(tags ? { tags } : {}) }));
const body = fc.oneof(
  taskBody.map((b) => JSON.stringify(b)),
  taskWithControl.map((b) => JSON.stringify(b)),
  fc
    .record(
      { message: fc.oneof(oddValue, controlText), conversation_id: oddValue, client_message_id: oddValue },
      { requiredKeys: [] },
    )
    .map((b) => JSON.stringify(b)),
  fc
    .record(
      { email: oddValue, password: fc.oneof(oddValue, controlText), display_name: controlText, timezone: oddValue },
      { requiredKeys: [] },
    )
    .map((b) => JSON.stringify(b)),
  // a control character as a key
  controlText.map((key) => JSON.stringify({ [key]: 'x', title: 'fuzzed task' })),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.constantFrom('{', '{"title":', '[]', 'null', '"just a string"', '{"title":"a"}'.repeat(3)),
);

export async function fuzz(
  system: LocalSystem,
  tokens: { own: string; other: string },
  ids: { ownTask: string; otherTask: string; notification: string; conversation: string },
  subscriptions: [AppId, string][],
  runs: number,
  seed: number,
): Promise<FuzzFigures> {
  const id = fc.oneof(
    fc.constantFrom(
      ids.ownTask,
      ids.otherTask,
      ids.notification,
      ids.conversation,
      '00000000-0000-0000-0000-000000000000',
    ),
    fc.uuid(),
    fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
    // control characters encoded in the path: %00, tab, LF, CR
    fc
      .tuple(fc.constantFrom('%00', '%09', '%0a', '%0d', '%0d%0a', '%1b', '%7f'), fc.uuid(), fc.boolean())
      .map(([code, uuid, inside]) => (inside ? `${uuid.slice(0, 8)}${code}${uuid.slice(8)}` : code)),
  );
  const query = fc
    .dictionary(
      fc.constantFrom(...QUERY_FIELDS, ...OTHER_QUERY),
      fc.oneof(oddValue, controlText, hugeNumber).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      { maxKeys: 5 },
    )
    .map((q) => {
      const text = new URLSearchParams(q).toString();
      return text ? `?${text}` : '';
    });
  const userRoute = fc.oneof(
    query.map((q) => ['GET', `/api/tasks${q}`]),
    fc.constant(['POST', '/api/tasks']),
    id.map((i) => ['GET', `/api/tasks/${i}`]),
    id.map((i) => ['PATCH', `/api/tasks/${i}`]),
    id.map((i) => ['PUT', `/api/tasks/${i}`]),
    id.map((i) => ['DELETE', `/api/tasks/${i}`]),
    id.map((i) => ['POST', `/api/tasks/${i}/complete`]),
    id.map((i) => ['POST', `/api/tasks/${i}/reopen`]),
    fc.constantFrom(
      ['POST', '/api/auth/sign-up'],
      ['POST', '/api/auth/sign-in'],
      ['GET', CURRENT_USER_PATH],
      ['POST', '/api/chat'],
      ['POST', '/api/notifications/read-all'],
      ['GET', '/api/nothing-here'],
      ['DELETE', CURRENT_USER_PATH],
    ),
    id.map((i) => ['GET', `/api/chat/${i}`]),
    query.map((q) => ['GET', `/api/notifications${q}`]),
    id.map((i) => ['POST', `/api/notifications/${i}/read`]),
    query.map((q) => ['GET', `/api/audit${q}`]),
    // the stream: only its answer before it opens is read
    fc
      .oneof(hugeNumber.map(String), controlText, oddValue.map(asText))
      .map((since) => ['GET', `/api/stream?since=${encodeURIComponent(since)}`]),
    // control characters encoded in the path itself, not only in an id
    fc.constantFrom(
      ['GET', '/api/tasks%00'],
      ['GET', '/api%00/tasks'],
      ['GET', '/api/tasks%0a'],
      ['POST', '/api/chat%0d%0a'],
      ['GET', '/api/stream%09'],
      ['GET', '/api/notifications%00'],
      ['POST', '/api/auth/sign-in%00'],
    ),
  );
  /** Headers a client may add: an odd Idempotency-Key or Last-Event-ID, or `Expect: 100-continue`. */
  const extraHeaders: fc.Arbitrary<Record<string, string> | undefined> = fc.option(
    fc
      .record({
        // a header value may hold tab and Latin-1 but no other control character (node:http refuses to send them)
        name: fc.constantFrom('idempotency-key', 'last-event-id'),
        value: fc.oneof(
          fc.constantFrom('a\tb', '\t', ' ', 'é', 'x'.repeat(300), ''),
          hugeNumber.map(String),
          fc.string({ maxLength: 20 }).map((k) => k.replace(/[^\t\x20-\x7e]/g, '')),
        ),
        expectContinue: fc.boolean(),
      })
      .map(({ name, value, expectContinue }) => ({
        [name]: value,
        ...(expectContinue ? { expect: '100-continue' } : {}),
      })),
    { nil: undefined },
  );
  const request: fc.Arbitrary<FuzzRequest> = fc.oneof(
    // the pages, assets, probes and documents, with any method and odd bodies
    {
      weight: 1,
      arbitrary: fc
        .record({
          route: fc.constantFrom<[AppId, string]>(
            [APP_IDS.frontend, '/'],
            [APP_IDS.frontend, '/app.js'],
            [APP_IDS.frontend, '/app.css'],
            [APP_IDS.frontend, '/metrics'],
            [APP_IDS.frontend, '/healthz'],
            [APP_IDS.backend, '/readyz'],
            [APP_IDS.backend, '/openapi.json'],
            [APP_IDS.backend, '/docs'],
            [APP_IDS.notificationService, '/healthz'],
            [APP_IDS.frontend, '/%00'],
            [APP_IDS.frontend, '/app.js%00'],
            [APP_IDS.frontend, '/%0d%0aset-cookie:x=1'],
            [APP_IDS.backend, '/docs%09'],
          ),
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
          body: fc.option(body, { nil: undefined }),
          token: fc.constantFrom('own' as const, 'none' as const, 'garbage' as const),
        })
        .map(({ route, ...rest }) => ({
          ...rest,
          target: route[0],
          path: route[1],
          contentType: 'application/json',
          appToken: false,
        })),
    },
    // a browser: every /api route through the frontend
    {
      weight: 8,
      arbitrary: fc
        .record({
          target: fc.constant<AppId>(APP_IDS.frontend),
          route: userRoute,
          body: fc.option(body, { nil: undefined }),
          contentType: fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            undefined,
          ),
          token: fc.constantFrom('own' as const, 'own' as const, 'other' as const, 'none' as const, 'garbage' as const),
          headers: extraHeaders,
        })
        .map(({ route, ...rest }) => ({
          ...rest,
          method: route[0] as string,
          path: route[1] as string,
          appToken: false,
        })),
    },
    // an MCP client on the backend
    {
      weight: 1,
      arbitrary: fc
        .record({
          body: fc.oneof(
            body,
            fc
              .record({
                jsonrpc: fc.oneof(fc.constantFrom('2.0', '1.0'), oddValue),
                id: fc.oneof(fc.integer(), fc.string()),
                method: fc.constantFrom('tools/call', 'tools/list', 'initialize', 'nope'),
                params: fc.record({
                  name: fc.constantFrom('add_task', 'update_task', 'delete_task', 'x'),
                  arguments: taskBody,
                }),
              })
              .map((b) => JSON.stringify(b)),
          ),
          token: fc.constantFrom('own' as const, 'none' as const, 'garbage' as const),
        })
        .map((r) => ({
          ...r,
          target: APP_IDS.backend,
          method: 'POST',
          path: '/mcp',
          contentType: 'application/json',
          appToken: false,
        })),
    },
    // the sidecar on the routes only it calls, with the app token: odd jobs, next occurrences and events
    {
      weight: 1,
      arbitrary: fc
        .record({
          route: fc.oneof(
            id.map((i) => [APP_IDS.backend, jobTriggerPath(reminderJobName(i))]),
            fc.string({ maxLength: 20 }).map((s) => [APP_IDS.backend, jobTriggerPath(encodeURIComponent(s) || 'x')]),
            fc.constant([APP_IDS.backend, NEXT_OCCURRENCE_ROUTE.path]),
            fc.constantFrom(...subscriptions),
          ),
          body: fc.oneof(
            body,
            fc
              .record({ specversion: fc.constant('1.0'), id: fc.string(), data: fc.oneof(oddValue, taskBody) })
              .map((b) => JSON.stringify(b)),
          ),
        })
        .map(({ route, body: b }) => ({
          target: route[0] as AppId,
          method: 'POST',
          path: route[1] as string,
          body: b,
          contentType: 'application/json',
          token: 'none' as const,
          appToken: true,
        })),
    },
  );

  const figures: FuzzFigures = {
    requests: 0,
    byStatus: {},
    serverErrors: 0,
    withoutReason: 0,
    endpoints: 0,
    examples: [],
    seed,
  };
  const endpoints = new Set<string>();
  const requests = fc.sample(request, { numRuns: runs, seed });
  const bearer = { own: tokens.own, other: tokens.other, none: undefined, garbage: 'garbage.token.here' };
  let next = 0;
  const worker = async () => {
    for (let r = requests[next++]; r; r = requests[next++]) {
      const port = system.appPort(r.target);
      const token = bearer[r.token];
      const headers: Record<string, string> = {
        ...r.headers,
        ...(r.contentType ? { 'content-type': r.contentType } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(r.appToken
          ? { 'dapr-api-token': system.appToken, 'dapr-caller-app-id': APP_IDS.recurringTaskService }
          : {}),
        ...(r.path === '/mcp' ? { accept: 'application/json, text/event-stream' } : {}),
      };
      const sendsBody = r.method !== 'GET' && r.body !== undefined;
      const res = await send(port, r.method, r.path, headers, sendsBody ? r.body : undefined);
      const text = res.text;
      figures.requests += 1;
      endpoints.add(`${r.method} ${r.target} ${endpointOf(r.path, ids)}`);
      const bucket = `${res.status}`;
      figures.byStatus[bucket] = (figures.byStatus[bucket] ?? 0) + 1;
      const describe = () =>
        `${r.method} ${r.target} ${r.path.slice(0, 120)} token=${r.token} body=${(r.body ?? '').slice(0, 120)} → ${res.status} ${text.slice(0, 200)}`;
      if (res.status >= 500) {
        figures.serverErrors += 1;
        if (figures.examples.length < 10) figures.examples.push(describe());
      } else if (res.status >= 400 && !hasReason(text)) {
        figures.withoutReason += 1;
        if (figures.examples.length < 10) figures.examples.push(`no reason: ${describe()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  figures.endpoints = endpoints.size;
  return figures;
}

/**
 * One request with node:http, which sends what fetch refuses (`Expect: 100-continue`). An event stream that opened is
 * closed at once: its status is the answer.
 */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: 30_000,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (/text\/event-stream/.test(String(res.headers['content-type']))) {
          res.destroy();
          resolve({ status, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within 30 s: ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** `{ error: { code, message } }`, or a JSON-RPC error (the MCP endpoint): a code and a message a person can read. */
function hasReason(text: string): boolean {
  try {
    const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = json.error?.code;
    return (
      (typeof code === 'string' || typeof code === 'number') &&
      typeof json.error?.message === 'string' &&
      json.error.message.length > 0
    );
  } catch {
    return false;
  }
}

/** `/api/tasks/<anything>/complete?x` → `/api/tasks/:id/complete`: which route a request was aimed at. */
function endpointOf(path: string, ids: Record<string, string>): string {
  const [route = ''] = path.split('?');
  const segments = route.split('/');
  const known = new Set([
    'api',
    'tasks',
    'complete',
    'reopen',
    'auth',
    'sign-up',
    'sign-in',
    'me',
    'chat',
    'notifications',
    'read',
    'read-all',
    'audit',
    'mcp',
    'internal',
    'next-occurrence',
    'events',
    'job',
    'nothing-here',
    'stream',
    'app.js',
    'app.css',
    'metrics',
    'healthz',
    'readyz',
    'openapi.json',
    'docs',
  ]);
  return segments
    .map((s, i) =>
      i === 0 || known.has(s) || (segments[i - 1] === 'events' && !Object.values(ids).includes(s)) ? s : ':id',
    )
    .join('/');
}
