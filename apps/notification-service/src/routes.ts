// /api/notifications, /api/audit and /api/stream (server-sent events, resumable with Last-Event-ID).
import { apiErrorBody, fieldIssues, isoDateTime } from '@todo/contracts';
import { ApiError } from '@todo/service-kit';
import { Hono, type MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { RemoteSessions, StreamUser } from './auth';
import type { Fanout, FeedEntry } from './fanout';
import type { NotificationStore } from './store';

type Env = { Variables: { user: StreamUser } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEARTBEAT_MS = 15_000;

const ListQuery = z
  .object({
    unread: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .default(false),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
const AuditQuery = z
  .object({
    task_id: z.string().regex(UUID, 'not a task id').optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw new ApiError(400, 'VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

export function userRoutes(store: NotificationStore, fanout: Fanout, sessions: RemoteSessions): Hono<Env> {
  const app = new Hono<Env>();
  const requireUser: MiddlewareHandler<Env> = async (c, next) => {
    c.set('user', await sessions.authenticate(c.req.header('authorization')));
    await next();
  };
  app.use('/api/*', requireUser);

  app.get('/api/notifications', async (c) => {
    const query = parse(ListQuery, c.req.query());
    return c.json({ items: await store.listNotifications(c.var.user.id, query) });
  });

  app.post('/api/notifications/read-all', async (c) => c.json({ updated: await store.markAllRead(c.var.user.id) }));

  app.post('/api/notifications/:id/read', async (c) => {
    const id = c.req.param('id');
    if (!UUID.test(id) || !(await store.markRead(c.var.user.id, id))) {
      return c.json(apiErrorBody('NOT_FOUND', 'notification not found'), 404);
    }
    return c.body(null, 204);
  });

  app.get('/api/audit', async (c) => {
    const query = parse(AuditQuery, c.req.query());
    return c.json({
      items: await store.audit(c.var.user.id, {
        taskId: query.task_id,
        from: query.from,
        to: query.to,
        limit: query.limit,
      }),
    });
  });

  app.get('/api/stream', (c) => {
    const userId = c.var.user.id;
    const since = c.req.header('last-event-id') ?? c.req.query('since');
    if (since !== undefined && !/^\d+$/.test(since)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'Last-Event-ID (or since) must be an event id this stream sent', [
        { path: 'since', message: 'not an event id' },
      ]);
    }
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      let lastSent = BigInt(since ?? '0');
      const pending: FeedEntry[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = fanout.subscribe(userId, (entry) => {
        pending.push(entry);
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      const send = async (entry: FeedEntry) => {
        if (BigInt(entry.id) <= lastSent) return;
        lastSent = BigInt(entry.id);
        await stream.writeSSE({ id: entry.id, event: entry.kind, data: JSON.stringify(entry.payload) });
      };
      try {
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ user_id: userId }) });
        // what this browser missed while it was away, then whatever arrives
        if (since !== undefined) {
          for (const row of await store.feedAfter(since, userId)) {
            await send({ id: String(row.id), kind: row.kind, payload: row.payload });
          }
        }
        while (open) {
          while (pending.length) await send(pending.shift() as FeedEntry);
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, HEARTBEAT_MS).unref();
          });
          wake = undefined;
          if (open && pending.length === 0) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });
  return app;
}
