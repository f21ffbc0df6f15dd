// The backend process: secrets through the sidecar, migrations, outbox relay, housekeeping, HTTP server. Tests start
// it in-process.
import { TokenService } from '@todo/auth';
import { APP_IDS } from '@todo/contracts';
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
import { AuthService } from './auth/sessions';
import { AuthThrottle } from './auth/throttle';
import type { AgentTurnInput, ChatAgent } from './chat/agent';
import { ConversationStore } from './chat/conversations';
import { OfflineAgent } from './chat/offline/agent';
import { openToolSession } from './chat/tool-session';
import type { ToolContext } from './chat/tools';
import { ChatTurns } from './chat/turns';
import { BACKEND_MIGRATIONS } from './db/migrate';
import type { Database } from './db/schema';
import { Housekeeping } from './housekeeping';
import { OutboxRelay } from './outbox/relay';
import { TaskService } from './tasks/service';

export interface BackendOptions extends AppOptions {
  /** Run migrations before serving (the cluster also runs them as a Job). */
  migrate: boolean;
  /** Send outbox rows from this process. */
  relay: boolean;
  /** An OpenAI-compatible endpoint and model for the chat agent (used only when OPENAI_API_KEY is in the secrets). */
  openaiBaseUrl?: string;
  openaiModel?: string;
}

export interface RunningBackend extends RunningApp {
  relay: OutboxRelay;
  tasks: TaskService;
}

export async function startBackend(options: BackendOptions): Promise<RunningBackend> {
  const { dapr, logger } = options;
  const { db, pool, secrets } = await connectThroughSidecar<Database>({
    dapr,
    logger,
    migrations: BACKEND_MIGRATIONS,
    owner: APP_IDS.backend,
    migrate: options.migrate,
  });
  const relay = new OutboxRelay(db, pool, dapr, logger.child({ part: 'outbox' }));
  const wake = () => options.relay && relay.wake();
  const tasks = new TaskService(db, wake);
  const turns = new ChatTurns(db, tasks, wake);
  const auth = new AuthService(db, new TokenService(secrets.authSecret), new AuthThrottle(pool), () => void wake());
  const outsideTurn = (input: AgentTurnInput): ToolContext => ({ db, tasks, user: input.user });
  // the OpenAI Agents SDK costs about 50 MB of memory: loaded only when there is a key to use it with
  const agent: ChatAgent = secrets.openaiApiKey
    ? new (await import('./chat/openai-agent')).OpenAIAgent({
        apiKey: secrets.openaiApiKey,
        baseURL: options.openaiBaseUrl,
        model: options.openaiModel ?? 'gpt-4.1-mini',
        context: outsideTurn,
      })
    : new OfflineAgent((input) => openToolSession(input.turn?.context ?? outsideTurn(input)));
  logger.info({ agent: agent.kind }, 'chat agent');
  const conversations = new ConversationStore(dapr);
  const app = createApp({ logger, dapr, db, auth, tasks, agent, conversations, turns, appToken: options.appToken });
  if (options.relay) relay.start();
  const housekeeping = new Housekeeping(db, logger.child({ part: 'housekeeping' }));
  housekeeping.start();
  const running = await startApp({
    app,
    port: options.port,
    hostname: options.hostname,
    metricsPort: options.metricsPort,
    logger,
    onClose: [() => relay.stop(), () => housekeeping.stop(), () => db.destroy()],
    handleSignals: options.handleSignals,
  });
  return { ...running, relay, tasks };
}

// run as the process (src/main.ts, dist/main.js), not imported by a test: options from the environment
if (require.main === module) {
  startBackend({
    dapr: new Dapr(),
    logger: createLogger(APP_IDS.backend),
    ...appPorts(APP_IDS.backend),
    appToken: process.env.APP_API_TOKEN,
    migrate: process.env.MIGRATE_ON_START !== 'false',
    // OUTBOX_RELAY=off leaves sending to another process (and lets a test stop between commit and publish)
    relay: process.env.OUTBOX_RELAY !== 'off',
    handleSignals: true,
    openaiBaseUrl: process.env.OPENAI_BASE_URL || undefined,
    openaiModel: process.env.OPENAI_MODEL || undefined,
  }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
