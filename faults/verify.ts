// After the stream: wait until the system is quiet, then count every user-visible effect against its source of truth
// (the outbox rows the backend committed, and what the users were told), each missing or doubled one a failure.
import { setTimeout as sleep } from 'node:timers/promises';
import { deadLetterTopic, TOPICS } from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';
import pg from 'pg';
import { brokerBacklog } from './backlog';
import type { Client } from './client';
import type { ModelTask } from './workload';

export interface Check {
  name: string;
  expected: number;
  found: number;
  missing: number;
  /** Effects no source row accounts for. */
  extra: number;
  duplicated: number;
  notes?: string;
}

const QUIET_TIMEOUT_MS = 240_000;

async function rows<T>(db: pg.Client, text: string, values: unknown[] = []): Promise<T[]> {
  return (await db.query(text, values)).rows as T[];
}

/**
 * Nothing left to send, deliver or fire: the outbox is empty, the broker has delivered everything to every subscriber,
 * and no open task's reminder is overdue and unsent (the backend marks it sent when its job fires).
 */
export async function waitUntilQuiet(system: LocalSystem, lastRemindAt: number): Promise<number> {
  const started = Date.now();
  let last = 'not asked yet';
  for (;;) {
    const db = new pg.Client({ connectionString: system.databaseUrl });
    try {
      await db.connect();
      const [state] = await rows<{ outbox: number; reminders: number }>(
        db,
        `select (select count(*)::int from outbox where published_at is null) as outbox,
                (select count(*)::int from tasks
                  where status = 'open' and remind_at < now() and reminded_for is distinct from remind_at) as reminders`,
      );
      const backlog = await brokerBacklog(system);
      last = `${state?.outbox} outbox rows unsent, ${backlog} messages undelivered, ${state?.reminders} reminders overdue`;
      if (state && state.outbox + state.reminders + backlog === 0 && Date.now() > lastRemindAt + 2_000) {
        return Date.now() - started;
      }
    } catch (error) {
      // the database or the broker may be coming back
      last = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    } finally {
      await db.end().catch(() => undefined);
    }
    if (Date.now() - started > QUIET_TIMEOUT_MS) {
      throw new Error(`not quiet after ${QUIET_TIMEOUT_MS / 1000} s: ${last}`);
    }
    await sleep(1_000);
  }
}

/** Events by id: how many of `expected` were found, which are missing, which appear more than once. */
export function compare(name: string, expected: string[], found: string[], notes?: string): Check {
  const want = new Set(expected);
  const counts = new Map<string, number>();
  for (const id of found) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    name,
    expected: want.size,
    found: found.length,
    missing: [...want].filter((id) => !counts.has(id)).length,
    extra: [...counts.keys()].filter((id) => !want.has(id)).length,
    duplicated: [...counts.values()].filter((n) => n > 1).reduce((sum, n) => sum + n - 1, 0),
    notes,
  };
}

export async function verify(system: LocalSystem, tasks: ModelTask[], users: Client[]): Promise<Check[]> {
  const db = new pg.Client({ connectionString: system.databaseUrl });
  await db.connect();
  try {
    const checks: Check[] = [];
    const outbox = await rows<{ id: string; topic: string | null; kind: string; published: boolean }>(
      db,
      'select id, topic, kind, published_at is not null as published from outbox',
    );
    const unsent = outbox.filter((r) => !r.published).length;
    checks.push({
      name: 'outbox rows sent',
      expected: outbox.length,
      found: outbox.length - unsent,
      missing: unsent,
      extra: 0,
      duplicated: 0,
      notes: `${outbox.filter((r) => r.kind !== 'publish').length} of them reminder job schedules/deletes`,
    });
    const ids = (topic: string) => outbox.filter((r) => r.topic === topic).map((r) => r.id);

    const audit = await rows<{ event_id: string; task_id: string; version: number }>(
      db,
      `select event_id, task_id, (event->'task_data'->>'version')::int as version from audit_log`,
    );
    checks.push(
      compare(
        'audit rows (one per task event)',
        ids(TOPICS.taskEvents),
        audit.map((a) => a.event_id),
      ),
    );
    // per task, the versions the audit log holds run 1..n without a gap or a repeat
    const versions = new Map<string, number[]>();
    for (const a of audit) versions.set(a.task_id, [...(versions.get(a.task_id) ?? []), a.version]);
    const broken = [...versions.values()].filter((v) => v.sort((a, b) => a - b).some((x, i) => x !== i + 1)).length;
    checks.push({
      name: 'tasks whose audit versions run 1..n',
      expected: versions.size,
      found: versions.size - broken,
      missing: broken,
      extra: 0,
      duplicated: 0,
    });

    const feed = await rows<{ event_id: string }>(db, `select event_id from user_events where kind = 'task-update'`);
    checks.push(
      compare(
        'live updates in the feed',
        ids(TOPICS.taskUpdates),
        feed.map((f) => f.event_id),
      ),
    );

    const notifications = await rows<{ event_id: string; task_id: string; late_ms: number }>(
      db,
      `select event_id, task_id, extract(epoch from (created_at - remind_at)) * 1000 as late_ms from notifications`,
    );
    checks.push(
      compare(
        'notifications (one per reminder event)',
        ids(TOPICS.reminders),
        notifications.map((n) => n.event_id),
      ),
    );
    const reminderTasks = tasks.filter((t) => t.kind === 'reminder' && t.id);
    checks.push(
      compare(
        'reminder tasks notified exactly once',
        reminderTasks.map((t) => t.id as string),
        notifications.map((n) => n.task_id),
        `lateness under faults p50 ${percentile(
          notifications.map((n) => n.late_ms),
          50,
        )} ms, max ${percentile(
          notifications.map((n) => n.late_ms),
          100,
        )} ms`,
      ),
    );

    const recurring = tasks.filter((t) => t.kind === 'recurring' && t.status === 'completed' && t.id);
    const next = await rows<{ series_id: string }>(
      db,
      'select series_id from tasks where series_id = any($1::uuid[])',
      [recurring.map((t) => t.id)],
    );
    checks.push(
      compare(
        'completed recurring tasks with exactly one next occurrence',
        recurring.map((t) => t.id as string),
        next.map((n) => n.series_id),
      ),
    );

    // what each user was told is what the system holds: made once, not lost, in the state last acknowledged
    const made = await rows<{ title: string; id: string; status: string; priority: string }>(
      db,
      // next occurrences carry their series' title: they are counted above
      'select title, id, status, priority from tasks where title = any($1::text[]) and occurrence_key is null',
      [tasks.map((t) => t.title)],
    );
    const kept = tasks.filter((t) => t.id && !t.deleted);
    const byTitle = new Map(made.map((m) => [m.title, m]));
    const wrongState = kept.filter((t) => {
      const row = byTitle.get(t.title);
      return !row || row.id !== t.id || row.status !== t.status || row.priority !== t.priority;
    }).length;
    checks.push(
      compare(
        'acknowledged tasks kept, once each (deleted ones absent)',
        kept.map((t) => t.title),
        made.map((m) => m.title),
        `${tasks.filter((t) => t.deleted).length} deleted`,
      ),
    );
    checks.push({
      name: 'acknowledged tasks in the state last acknowledged (id, status, priority)',
      expected: kept.length,
      found: kept.length - wrongState,
      missing: wrongState,
      extra: 0,
      duplicated: 0,
    });
    // ...and every user reads the same through the API (frontend, sidecar, backend)
    let apiMismatch = 0;
    for (const [index, client] of users.entries()) {
      const mine = kept.filter((t) => t.user === index);
      for (const t of mine) {
        const { status, json } = await client.once('GET', `/api/tasks/${t.id}`);
        if (status !== 200 || json.status !== t.status || json.title !== t.title) apiMismatch += 1;
      }
    }
    checks.push({
      name: 'tasks read back through the API',
      expected: kept.length,
      found: kept.length - apiMismatch,
      missing: apiMismatch,
      extra: 0,
      duplicated: 0,
    });

    // from the broker itself (the stand-in's table or Kafka's topics)
    const dead = await Promise.all(
      Object.values(TOPICS).map(async (t) => ({
        topic: deadLetterTopic(t),
        n: (await system.messageIds(deadLetterTopic(t))).length,
      })),
    );
    const deadCount = dead.reduce((sum, d) => sum + d.n, 0);
    checks.push({
      name: 'messages dead-lettered',
      expected: 0,
      found: deadCount,
      // a dead-lettered event is an effect that did not happen
      missing: deadCount,
      extra: 0,
      duplicated: 0,
      notes:
        dead
          .filter((d) => d.n > 0)
          .map((d) => `${d.topic}: ${d.n}`)
          .join(', ') || undefined,
    });
    return checks;
  } finally {
    await db.end();
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number,
  );
}
