// The frontend forwards only the routes listed in contracts; the backend's browser API must be exactly those.
import { APP_IDS, BROWSER_ROUTES } from '@todo/contracts';
import { apiRoutesOf } from '@todo/testkit';
import pino from 'pino';
import { type BackendDeps, createApp } from '../src/app';

it("lists in contracts exactly the backend's /api routes, so the frontend forwards every one and nothing else", () => {
  const app = createApp({ logger: pino({ level: 'silent' }) } as unknown as BackendDeps);
  const listed = BROWSER_ROUTES.filter((r) => r.app === APP_IDS.backend).map((r) => `${r.method} ${r.path}`);
  expect(apiRoutesOf(app).sort()).toEqual(listed.sort());
});
