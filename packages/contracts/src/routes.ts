// The browser's API: every route the frontend forwards, and the app that serves it. Nothing else is forwarded, so
// a route only the sidecar may call (pub/sub deliveries, job triggers, next occurrences) is unreachable from a
// browser whatever the path looks like. The apps' route tables are checked against this list.
import { APP_IDS, type AppId } from './names';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface BrowserRoute {
  method: HttpMethod;
  /** Literal segments and `:name` parameters, as Hono writes them. */
  path: string;
  app: AppId;
}

/** The signed-in user: the browser reads and changes it, notification-service asks it whether a sign-in is live. */
export const CURRENT_USER_PATH = '/api/auth/me';

const route = (method: HttpMethod, path: string, app: AppId): BrowserRoute => ({ method, path, app });
const backend = APP_IDS.backend;
const notifications = APP_IDS.notificationService;

export const BROWSER_ROUTES: readonly BrowserRoute[] = [
  route('POST', '/api/auth/sign-up', backend),
  route('POST', '/api/auth/sign-in', backend),
  route('POST', '/api/auth/sign-out', backend),
  route('GET', CURRENT_USER_PATH, backend),
  route('PATCH', CURRENT_USER_PATH, backend),
  route('GET', '/api/tasks', backend),
  route('POST', '/api/tasks', backend),
  route('GET', '/api/tasks/:id', backend),
  route('PATCH', '/api/tasks/:id', backend),
  route('DELETE', '/api/tasks/:id', backend),
  route('POST', '/api/tasks/:id/complete', backend),
  route('POST', '/api/tasks/:id/reopen', backend),
  route('POST', '/api/chat', backend),
  route('GET', '/api/chat/:id', backend),
  route('GET', '/api/notifications', notifications),
  route('POST', '/api/notifications/read-all', notifications),
  route('POST', '/api/notifications/:id/read', notifications),
  route('GET', '/api/audit', notifications),
  route('GET', '/api/stream', notifications),
];

/** The only characters a forwarded path may hold, raw: no `%`, no dot, no backslash, no control character. */
const SAFE_RAW_PATH = /^(\/[A-Za-z0-9_-]+)+$/;
/** What a `:name` parameter may be: ids here are UUIDs; leave room for other opaque ids, never for separators. */
const PARAM = /^[A-Za-z0-9_-]{1,128}$/;

export interface ForwardTarget {
  app: AppId;
  route: BrowserRoute;
  /** The path to invoke, rebuilt from the route's literal segments and the validated, re-encoded parameters. */
  path: string;
}

/**
 * The route a browser request may be forwarded to, or undefined. `rawPath` is the path as it came on the wire (still
 * percent-encoded); `decodedPath` is the framework's decoded one. Both must be plain: a percent sign, a dot segment,
 * a backslash or a control character in either refuses the request, whatever the decoding order downstream.
 */
export function matchBrowserRoute(method: string, rawPath: string, decodedPath: string): ForwardTarget | undefined {
  if (!SAFE_RAW_PATH.test(rawPath) || rawPath !== decodedPath) return undefined;
  const segments = rawPath.slice(1).split('/');
  for (const candidate of BROWSER_ROUTES) {
    if (candidate.method !== method.toUpperCase()) continue;
    const pattern = candidate.path.slice(1).split('/');
    if (pattern.length !== segments.length) continue;
    const rebuilt: string[] = [];
    const fits = pattern.every((part, i) => {
      const segment = segments[i] as string;
      if (part.startsWith(':')) {
        rebuilt.push(encodeURIComponent(segment));
        return PARAM.test(segment);
      }
      rebuilt.push(part);
      return part === segment;
    });
    if (fits) return { app: candidate.app, route: candidate, path: `/${rebuilt.join('/')}` };
  }
  return undefined;
}
