// Which app serves which API path: the frontend forwards through its own sidecar, never to an address of its own.
import { APP_IDS, type AppId } from '@todo/contracts';

const NOTIFICATION_PATHS = ['/api/notifications', '/api/stream', '/api/audit'];

/** The app id that serves `path`, or undefined for a path the frontend does not forward. */
export function upstreamFor(path: string): AppId | undefined {
  if (NOTIFICATION_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return APP_IDS.notificationService;
  if (path.startsWith('/api/')) return APP_IDS.backend;
  return undefined;
}
