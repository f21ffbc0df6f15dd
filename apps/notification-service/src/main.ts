// The notification-service process: secrets through the sidecar, migrations, the feed fan-out, HTTP server.
import { TokenService } from '@todo/auth';
import { APP_IDS, STREAM_EVENTS } from '@todo/contracts';
import { Dapr } from '@todo/dapr';
import {
  type AppOptions,
  appPorts,
  connectThroughSidecar,
  createLogger,
  type RunningApp,
  startApp,
} from '@todo/service-kit';
import { createApp } from './app';
import { RemoteSessions } from './auth';
import { NOTIFICATION_MIGRATIONS } from './db/migrate';
import type { Database } from './db/schema';
import { Fanout } from './fanout';
import { NotificationStore } from './store';

export interface NotificationOptions extends AppOptions {
  migrate: boolean;
  streamRecheckMs?: number;
}

const FEED_RETENTION_HOURS = 24;

export async function startNotificationService(options: NotificationOptions): Promise<RunningApp> {
  const { dapr, logger } = options;
  const { db, secrets } = await connectThroughSidecar<Database>({
    dapr,
    logger,
    migrations: NOTIFICATION_MIGRATIONS,
    owner: APP_IDS.notificationService,
    migrate: options.migrate,
  });
  const store = new NotificationStore(db);
  const fanout = new Fanout(store, logger.child({ part: 'fanout' }));
  await fanout.start();
  const pruner = setInterval(() => void store.pruneFeed(FEED_RETENTION_HOURS).catch(() => undefined), 3_600_000);
  pruner.unref();
  const sessions = new RemoteSessions(new TokenService(secrets.authSecret), dapr);
  // every replica reads the feed: each forgets the ended session and closes its own streams of it
  fanout.onEveryEntry((entry) => {
    if (entry.kind === STREAM_EVENTS.sessionEnded)
      sessions.forget((entry.payload as { session_id: string }).session_id);
  });
  const app = createApp({
    logger,
    dapr,
    db,
    store,
    fanout,
    sessions,
    appToken: options.appToken,
    streamRecheckMs: options.streamRecheckMs,
  });
  return startApp({
    app,
    port: options.port,
    hostname: options.hostname,
    metricsPort: options.metricsPort,
    logger,
    drainMs: 2_000, // open event streams would otherwise hold the stop up
    deliveries: { appToken: options.appToken }, // bulk deliveries of task events and updates
    onClose: [() => fanout.stop(), () => clearInterval(pruner), () => db.destroy()],
    handleSignals: options.handleSignals,
  });
}

// run as the process (src/main.ts, dist/main.js), not imported by a test: options from the environment
if (require.main === module) {
  startNotificationService({
    dapr: new Dapr(),
    logger: createLogger(APP_IDS.notificationService),
    ...appPorts(APP_IDS.notificationService),
    appToken: process.env.APP_API_TOKEN,
    migrate: process.env.MIGRATE_ON_START !== 'false',
    handleSignals: true,
    // tests shorten it to see the second layer of sign-out work
    streamRecheckMs: process.env.STREAM_RECHECK_MS ? Number(process.env.STREAM_RECHECK_MS) : undefined,
  }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
