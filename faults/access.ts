// Who may see and change what: calls without a token, with a forged one, and by another user on the first user's
// tasks, notifications, audit log and conversations; sidecar-only routes without the app token; and paths through
// the frontend that try to climb out of /api to a sidecar-only route. Counts responses and leaks.
import { request } from 'node:http';
import {
  APP_IDS,
  type AppId,
  CURRENT_USER_PATH,
  NEXT_OCCURRENCE_ROUTE,
  sidecarOnlyRoutes,
  TOPICS,
} from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';
import type { Client } from './client';

export interface AccessFigures {
  name: string;
  calls: number;
  /** Calls answered other than they must be (the status) */
  wrong: number;
  /** Calls whose answer carried something of the other user's */
  leaks: number;
  examples: string[];
}

export interface Victim {
  taskIds: string[];
  titles: string[];
  notificationIds: string[];
  conversationId: string;
}

const SUBSCRIBERS = [APP_IDS.notificationService, APP_IDS.recurringTaskService];

/** The routes the subscribing apps declare to their sidecar (asked as the sidecar asks, with the app token). */
export async function subscriptionRoutes(system: LocalSystem): Promise<[AppId, string][]> {
  const routes: [AppId, string][] = [];
  for (const appId of SUBSCRIBERS) {
    const res = await fetch(`http://127.0.0.1:${system.appPort(appId)}/dapr/subscribe`, {
      headers: { 'dapr-api-token': system.appToken },
    });
    for (const sub of (await res.json()) as { route: string }[]) routes.push([appId, sub.route]);
  }
  return routes;
}

const FORGED = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwic2lkIjoieCJ9.c2lnbmF0dXJl';

function figures(name: string): AccessFigures {
  return { name, calls: 0, wrong: 0, leaks: 0, examples: [] };
}

function record(f: AccessFigures, what: string, ok: boolean, leaked: boolean): void {
  f.calls += 1;
  if (!ok) f.wrong += 1;
  if (leaked) f.leaks += 1;
  if ((!ok || leaked) && f.examples.length < 5) f.examples.push(what);
}

/** Every call a user can make on one of their own things, with the victim's ids filled in. */
function userCalls(v: Victim): [string, string, unknown?][] {
  const task = v.taskIds[0];
  return [
    ['GET', '/api/tasks'],
    ['GET', `/api/tasks?q=${encodeURIComponent(v.titles[0]?.split(' ')[0] ?? 'x')}`],
    ['GET', `/api/tasks/${task}`],
    ['PATCH', `/api/tasks/${task}`, { title: 'taken over' }],
    ['POST', `/api/tasks/${task}/complete`],
    ['POST', `/api/tasks/${task}/reopen`],
    ['DELETE', `/api/tasks/${task}`],
    ['POST', '/api/tasks', { title: 'intruder' }],
    ['GET', CURRENT_USER_PATH],
    ['POST', '/api/chat', { message: 'list my tasks', conversation_id: v.conversationId }],
    ['GET', `/api/chat/${v.conversationId}`],
    ['GET', '/api/notifications'],
    ['POST', `/api/notifications/${v.notificationIds[0]}/read`],
    ['GET', `/api/audit?task_id=${task}`],
    ['GET', '/api/audit'],
  ];
}

export async function checkAccess(
  system: LocalSystem,
  frontend: Client,
  victim: Victim,
  intruder: Client,
): Promise<AccessFigures[]> {
  const secrets = [...victim.taskIds, ...victim.titles, ...victim.notificationIds, victim.conversationId];
  // something of the victim's in an answer that the request did not carry itself (an error may echo the path)
  const leaks = (text: string, asked = '') => secrets.some((s) => text.includes(s) && !asked.includes(s));
  const results: AccessFigures[] = [];

  const anonymous = figures('no token or a forged token → 401');
  for (const token of [undefined, FORGED, 'not-a-jwt']) {
    for (const [method, path, body] of userCalls(victim)) {
      const answer = await frontend.as(token).once(method, path, body);
      const ok = answer.status === 401 && typeof answer.json?.error?.code === 'string';
      record(
        anonymous,
        `${method} ${path} (${token ? 'forged' : 'none'}) → ${answer.status}`,
        ok,
        leaks(answer.text, `${path} ${JSON.stringify(body)}`),
      );
    }
  }
  results.push(anonymous);

  const other = figures("another user's things → 404, or lists without them");
  for (const [method, path, body] of userCalls(victim)) {
    const answer = await intruder.once(method, path, body);
    const own = path === '/api/tasks' || path.startsWith('/api/tasks?') || path === CURRENT_USER_PATH;
    const listing = path === '/api/notifications' || path.startsWith('/api/audit') || own;
    const created = method === 'POST' && path === '/api/tasks';
    const ok = listing || created ? answer.status < 300 : answer.status === 404;
    record(other, `${method} ${path} → ${answer.status}`, ok, leaks(answer.text, `${path} ${JSON.stringify(body)}`));
  }
  results.push(other);

  // sidecar-only routes, called directly on the apps as anyone on the network could: no app token, a wrong one
  const sidecarOnly = figures('sidecar-only routes without the app token → 401');
  const direct = async (appId: AppId, method: string, path: string, body: unknown, token?: string) => {
    const res = await fetch(`http://127.0.0.1:${system.appPort(appId)}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'dapr-caller-app-id': APP_IDS.recurringTaskService,
        ...(token ? { 'dapr-api-token': token } : {}),
      },
      body: method === 'GET' ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };
  const routes: [AppId, string, string, unknown][] = [
    [
      APP_IDS.backend,
      'POST',
      sidecarOnlyRoutes(victim.taskIds[0] as string).jobTrigger,
      { task_id: victim.taskIds[0], remind_at: new Date().toISOString() },
    ],
    [
      APP_IDS.backend,
      NEXT_OCCURRENCE_ROUTE.method,
      NEXT_OCCURRENCE_ROUTE.path,
      { idempotency_key: 'intruder-key', source_task_id: victim.taskIds[0], due_at: null },
    ],
  ];
  for (const appId of SUBSCRIBERS) routes.push([appId, 'GET', '/dapr/subscribe', undefined]);
  for (const [appId, route] of await subscriptionRoutes(system)) {
    routes.push([appId, 'POST', route, { specversion: '1.0', id: 'intruder', data: {} }]);
  }
  for (const [appId, method, path, body] of routes) {
    for (const token of [undefined, 'wrong-token']) {
      const answer = await direct(appId, method, path, body, token);
      record(
        sidecarOnly,
        `${appId} ${method} ${path} → ${answer.status}`,
        answer.status === 401,
        leaks(answer.text, `${path} ${JSON.stringify(body)}`),
      );
    }
  }
  results.push(sidecarOnly);

  // through the frontend, whose invocations reach the apps with the app token: no path may climb out of /api. Each
  // is refused by the frontend itself (a NOT_FOUND, or a 400 from its parser), not by a later layer: the allow-list
  // never forwards them.
  const climb = figures('paths climbing out of /api through the frontend → the frontend refuses, never forwarded');
  const only = sidecarOnlyRoutes(victim.taskIds[0] as string);
  const target = only.jobTrigger.slice(1);
  const next = only.nextOccurrence.slice(1);
  const climbs = [
    `/api/../${target}`,
    `/api/%2e%2e/${target}`,
    `/api/%2E%2E/${target}`,
    `/api/..%2f${target.replace('/', '%2f')}`,
    `/api/tasks/..%2f..%2f${target.replace('/', '%2f')}`,
    `/api/%2e%2e/${next}`,
    `/api/..\\${target}`,
  ];
  // the traversal family: a dot segment split by an encoded control character (decoded by the router, dropped by a
  // URL parser downstream), mixed and double encodings, overlong UTF-8 dots; aimed at the job route, the
  // notification-service's subscription routes, the next-occurrence route and the sidecar's own API
  const escapes = ['.%09.', '.%0a.', '.%0d.', '.%00.', '.%0A.', '%2e.', '.%2e', '%252e%252e', '%c0%ae%c0%ae', '.%20.'];
  const subscriptions = [TOPICS.reminders, TOPICS.taskEvents].map((topic) => only.subscriptions[topic].slice(1));
  const aims = [target, next, ...subscriptions, 'v1.0/metadata'];
  for (const dots of escapes) {
    for (const aim of aims) {
      climbs.push(`/api/${dots}/${aim}`, `/api/notifications/${dots}/${dots}/${aim}`);
      climbs.push(`/api/${Array.from({ length: 5 }, () => dots).join('/')}/${aim}`);
    }
  }
  climbs.push('/api/.%09./.%09./.%09./.%09./.%09./v1.0-alpha1/jobs/x', '/api/tasks/%2e%09%2e/complete');
  for (const path of climbs) {
    for (const method of ['GET', 'POST']) {
      const answer = await rawRequest(system.appPort(APP_IDS.frontend), method, path, intruder.token);
      const ok = frontendRefusal(answer.status, answer.text);
      record(climb, `${method} ${path} → ${answer.status} ${answer.text.slice(0, 80)}`, ok, leaks(answer.text, path));
    }
  }
  results.push(climb);
  return results;
}

/**
 * The frontend's own refusal, never an answer forwarded from an app: the /api/* handler's 404 for a path off its
 * allow-list; its router's 404 for a path that resolved to outside /api (no route there forwards anything); or its
 * HTTP server's 400 for a request it would not even route (empty from the node adapter, or the parser's refusal).
 */
function frontendRefusal(status: number, text: string): boolean {
  if (status === 400 && text === '') return true;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    const message = body.error?.message ?? '';
    if (status === 400) return body.error?.code === 'BAD_REQUEST' && message === 'the request is not valid HTTP';
    if (status !== 404 || body.error?.code !== 'NOT_FOUND') return false;
    const outside = /^no route for [A-Z]+ (\S*)$/.exec(message)?.[1];
    return message.startsWith('no API route for') || (outside !== undefined && !outside.startsWith('/api'));
  } catch {
    return false;
  }
}

/** A request with the path exactly as given (fetch would resolve the dot segments before sending). */
function rawRequest(port: number, method: string, path: string, token?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ task_id: 'x', remind_at: new Date().toISOString() }));
  });
}
