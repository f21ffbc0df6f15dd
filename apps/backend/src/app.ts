// The backend's HTTP surface: auth, tasks, OpenAPI docs, health, and the routes its sidecar calls.
import { OpenAPIHono } from '@hono/zod-openapi';
import { APP_IDS, CHAT_PATH, TASKS_PATH } from '@todo/contracts';
import type { Dapr } from '@todo/dapr';
import { healthRoutes, installErrorHandlers, instrument } from '@todo/service-kit';
import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { authRoutes } from './auth/routes';
import type { AuthService } from './auth/sessions';
import type { ChatAgent } from './chat/agent';
import type { ConversationStore } from './chat/conversations';
import { mcpRoutes } from './chat/mcp-route';
import { chatRoutes } from './chat/routes';
import type { ChatTurns } from './chat/turns';
import type { Database } from './db/schema';
import { docsPage } from './http/docs';
import type { BackendEnv } from './http/env';
import { rejectControlCharacters } from './http/text-guard';
import { reminderRoutes } from './reminders/routes';
import { nextOccurrenceRoutes } from './tasks/next-occurrence-route';
import { taskRoutes } from './tasks/routes';
import type { TaskService } from './tasks/service';

export interface BackendDeps {
  logger: Logger;
  dapr: Dapr;
  db: Kysely<Database>;
  auth: AuthService;
  tasks: TaskService;
  agent: ChatAgent;
  conversations: ConversationStore;
  turns: ChatTurns;
  appToken?: string;
}

export function createApp(deps: BackendDeps): OpenAPIHono<BackendEnv> {
  const app = new OpenAPIHono<BackendEnv>();
  installErrorHandlers(app, deps.logger);
  instrument(app, APP_IDS.backend, deps.logger);
  const requireUser: MiddlewareHandler<BackendEnv> = async (c, next) => {
    c.set('user', await deps.auth.authenticate(c.req.header('authorization')));
    await next();
  };

  app.route(
    '/',
    healthRoutes({
      sidecar: () => deps.dapr.health.check(),
      database: async () => {
        await deps.db.selectFrom('users').select('id').limit(1).execute();
      },
    }),
  );
  app.use('/api/*', rejectControlCharacters);
  app.route('/', authRoutes(deps.auth, requireUser));
  app.route(TASKS_PATH, taskRoutes(deps.tasks, requireUser));
  app.route(CHAT_PATH, chatRoutes(deps.agent, deps.conversations, deps.turns, requireUser, deps.logger));
  app.route('/', reminderRoutes(deps.tasks, deps.logger, deps.appToken));
  app.route('/', nextOccurrenceRoutes(deps.tasks, deps.appToken));
  app.route('/', mcpRoutes(deps.auth, { db: deps.db, tasks: deps.tasks }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  const info = {
    title: 'todo-chatbot backend',
    version: '1.0.0',
    description:
      'Tasks with priorities, tags, search, due dates, reminders and recurrence. Errors are { error: { code, message, details? } }.',
  };
  app.doc31('/openapi.json', { openapi: '3.1.0', info });
  app.get('/docs', (c) =>
    c.html(docsPage(app.getOpenAPI31Document({ openapi: '3.1.0', info }) as unknown as Parameters<typeof docsPage>[0])),
  );
  return app;
}
