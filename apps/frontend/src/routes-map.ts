// Which app serves which API path: the frontend forwards through its own sidecar, never to an address of its own.
import { APP_IDS, type AppId } from '@todo/contracts';

const NOTIFICATION_PATHS = ['/api/notifications', '/api/stream', '/api/audit'];

/**
 * Dot segments and encoded slashes, dots or backslashes: a path the sidecar or the app could resolve to somewhere
 * outside /api (such as a sidecar-only route, which the invocation would reach with the app token).
 */
const UNSAFE_PATH = /(^|\/)\.{1,2}(\/|$)|%2e|%2f|%5c|\\/i;

/** The app id that serves `path`, or undefined for a path the frontend does not forward. */
export function upstreamFor(path: string): AppId | undefined {
  if (UNSAFE_PATH.test(path)) return undefined;
  if (NOTIFICATION_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return APP_IDS.notificationService;
  if (path.startsWith('/api/')) return APP_IDS.backend;
  return undefined;
}
