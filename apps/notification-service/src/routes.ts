// The browser's notifications, audit log and live feed (server-sent events, resumable with Last-Event-ID).
import {
  AUDIT_PATH,
  isoDateTime,
  NOTIFICATIONS_PATH,
  type NotificationPage,
  READ_ALL_NOTIFICATIONS_PATH,
  READ_NOTIFICATION_PATH,
  STREAM_EVENTS,
  STREAM_PATH,
} from '@todo/contracts';
import { ApiError, notFound, validationFailed } from '@todo/service-kit';
import { Hono, type MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { RemoteSessions, StreamUser } from './auth';
import type { Fanout, FeedEntry } from './fanout';
import type { NotificationStore } from './store';

type Env = { Variables: { user: StreamUser } };

const HEARTBEAT_MS = 15_000;
/** How often an open stream asks the backend again whether its sign-in still holds (the session-ended event aside). */
export const STREAM_RECHECK_MS = 20_000;

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
    task_id: z.guid('not a task id').optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

const NotificationId = z.guid();
// ids are Postgres bigints: a larger number would fail in the query after the stream opened
const MAX_EVENT_ID = 9223372036854775807n;
const StreamSince = z.object({
  since: z
    .string()
    .refine((v) => /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_EVENT_ID, 'not an event id')
    .optional(),
});

function parse<T>(schema: z.ZodType<T>, input: unknown, lead?: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationFailed(result.error, lead);
}

export function userRoutes(
  store: NotificationStore,
  fanout: Fanout,
  sessions: RemoteSessions,
  options: { recheckMs?: number } = {},
): Hono<Env> {
  const app = new Hono<Env>();
  const recheckMs = options.recheckMs ?? STREAM_RECHECK_MS;
  const requireUser: MiddlewareHandler<Env> = async (c, next) => {
    // a stream may stay open for hours: it does not start on a remembered answer
    const fresh = c.req.path === STREAM_PATH;
    c.set('user', await sessions.authenticate(c.req.header('authorization'), { fresh }));
    await next();
  };
  app.use('/api/*', requireUser);

  app.get(NOTIFICATIONS_PATH, async (c) => {
    const query = parse(ListQuery, c.req.query());
    const [items, unread] = await Promise.all([
      store.listNotifications(c.var.user.id, query),
      store.unreadCount(c.var.user.id),
    ]);
    return c.json({ items, unread } satisfies NotificationPage);
  });

  app.post(READ_ALL_NOTIFICATIONS_PATH, async (c) => c.json({ updated: await store.markAllRead(c.var.user.id) }));

  app.post(READ_NOTIFICATION_PATH, async (c) => {
    const id = c.req.param('id');
    if (!NotificationId.safeParse(id).success || !(await store.markRead(c.var.user.id, id))) {
      throw notFound('notification');
    }
    return c.body(null, 204);
  });

  app.get(AUDIT_PATH, async (c) => {
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

  app.get(STREAM_PATH, (c) => {
    const { id: userId, sessionId } = c.var.user;
    const authorization = c.req.header('authorization');
    const { since } = parse(
      StreamSince,
      { since: c.req.header('last-event-id') ?? c.req.query('since') },
      'Last-Event-ID (or since) must be an event id this stream sent',
    );
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
      // the sign-in ended: say why in a last event, then close (the browser shows its sign-in form)
      let ended: { code: string; message: string } | undefined;
      const end = (why: { code: string; message: string }) => {
        ended ??= why;
        open = false;
        wake?.();
      };
      // second layer, should the session-ended event not come: ask again, and close when the session is gone (a
      // backend out of reach is not a reason to close)
      const recheck = setInterval(() => {
        sessions.authenticate(authorization, { fresh: true }).catch((error) => {
          if (error instanceof ApiError && error.status === 401) end({ code: error.code, message: error.message });
        });
      }, recheckMs);
      recheck.unref();
      const send = async (entry: FeedEntry) => {
        if (entry.kind === STREAM_EVENTS.sessionEnded) {
          // the end of another of the user's sessions is not this browser's business
          if ((entry.payload as { session_id?: string }).session_id === sessionId) {
            end({ code: 'SIGNED_OUT', message: 'this sign-in ended (signed out): sign in again' });
          }
          return;
        }
        if (BigInt(entry.id) <= lastSent) return;
        lastSent = BigInt(entry.id);
        await stream.writeSSE({ id: entry.id, event: entry.kind, data: JSON.stringify(entry.payload) });
      };
      try {
        await stream.writeSSE({ event: STREAM_EVENTS.ready, data: JSON.stringify({ user_id: userId }) });
        // what this browser missed while it was away, then whatever arrives
        if (since !== undefined) {
          for (const row of await store.feedAfter(since, userId)) {
            await send({ id: String(row.id), kind: row.kind, payload: row.payload });
          }
        }
        while (open) {
          while (open && pending.length) await send(pending.shift() as FeedEntry);
          if (!open) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, HEARTBEAT_MS).unref();
          });
          wake = undefined;
          if (open && pending.length === 0) await stream.write(': keep-alive\n\n');
        }
        if (ended && !stream.aborted)
          await stream.writeSSE({ event: STREAM_EVENTS.sessionEnded, data: JSON.stringify(ended) });
      } finally {
        clearInterval(recheck);
        unsubscribe();
      }
    });
  });
  return app;
}
