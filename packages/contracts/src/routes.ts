// The browser's API: every route the frontend forwards, and the app that serves it. Nothing else is forwarded, so
// a route only the sidecar may call (pub/sub deliveries, job triggers, next occurrences) is unreachable from a
// browser whatever the path looks like. The apps' route tables are checked against this list. No zod here: the
// browser bundle imports it.
import { APP_IDS, type AppId } from './names';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface BrowserRoute {
  method: HttpMethod;
  /** Literal segments and `:name` parameters, as Hono writes them. */
  path: string;
  app: AppId;
}

// Every path of the browser's API, as Hono writes it: the browser calls it, an app serves it (a `:name` a parameter).
export const SIGN_UP_PATH = '/api/auth/sign-up';
export const SIGN_IN_PATH = '/api/auth/sign-in';
export const SIGN_OUT_PATH = '/api/auth/sign-out';
/** The signed-in user: the browser reads and changes it, notification-service asks it whether a sign-in is live. */
export const CURRENT_USER_PATH = '/api/auth/me';
export const TASKS_PATH = '/api/tasks';
export const TASK_PATH = `${TASKS_PATH}/:id` as const;
export const COMPLETE_TASK_PATH = `${TASK_PATH}/complete` as const;
export const REOPEN_TASK_PATH = `${TASK_PATH}/reopen` as const;
export const CHAT_PATH = '/api/chat';
/** A conversation so far, by the id the chat answered. */
export const CONVERSATION_PATH = `${CHAT_PATH}/:id` as const;
export const NOTIFICATIONS_PATH = '/api/notifications';
export const READ_ALL_NOTIFICATIONS_PATH = `${NOTIFICATIONS_PATH}/read-all` as const;
export const READ_NOTIFICATION_PATH = `${NOTIFICATIONS_PATH}/:id/read` as const;
export const AUDIT_PATH = '/api/audit';
/** The live feed: server-sent events (stream.ts names them). */
export const STREAM_PATH = '/api/stream';

const route = (method: HttpMethod, path: string, app: AppId): BrowserRoute => ({ method, path, app });
const backend = APP_IDS.backend;
const notifications = APP_IDS.notificationService;

export const BROWSER_ROUTES: readonly BrowserRoute[] = [
  route('POST', SIGN_UP_PATH, backend),
  route('POST', SIGN_IN_PATH, backend),
  route('POST', SIGN_OUT_PATH, backend),
  route('GET', CURRENT_USER_PATH, backend),
  route('PATCH', CURRENT_USER_PATH, backend),
  route('GET', TASKS_PATH, backend),
  route('POST', TASKS_PATH, backend),
  route('GET', TASK_PATH, backend),
  route('PATCH', TASK_PATH, backend),
  route('DELETE', TASK_PATH, backend),
  route('POST', COMPLETE_TASK_PATH, backend),
  route('POST', REOPEN_TASK_PATH, backend),
  route('POST', CHAT_PATH, backend),
  route('GET', CONVERSATION_PATH, backend),
  route('GET', NOTIFICATIONS_PATH, notifications),
  route('POST', READ_ALL_NOTIFICATIONS_PATH, notifications),
  route('POST', READ_NOTIFICATION_PATH, notifications),
  route('GET', AUDIT_PATH, notifications),
  route('GET', STREAM_PATH, notifications),
];

/** The `:name` parameters of `path`. */
type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** `path` with each `:name` parameter filled in, percent-encoded: `pathFor(TASK_PATH, { id })`. */
export const pathFor = <P extends string>(path: P, params: Record<ParamsOf<P>, string>): string =>
  path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent((params as Record<string, string>)[name] ?? ''));

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
