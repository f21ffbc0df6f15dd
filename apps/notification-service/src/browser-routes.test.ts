// The frontend forwards only the routes listed in contracts; this app's browser API must be exactly those.
import { APP_IDS, BROWSER_ROUTES } from '@todo/contracts';
import { apiRoutesOf } from '@todo/testkit';
import pino from 'pino';
import { createApp, type NotificationDeps } from './app';

it("lists in contracts exactly notification-service's /api routes, so the frontend forwards each and nothing else", () => {
  const app = createApp({ logger: pino({ level: 'silent' }) } as unknown as NotificationDeps);
  const listed = BROWSER_ROUTES.filter((r) => r.app === APP_IDS.notificationService).map(
    (r) => `${r.method} ${r.path}`,
  );
  expect(apiRoutesOf(app).sort()).toEqual(listed.sort());
});
