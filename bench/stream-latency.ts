// Latency as a browser sees it: a create until its task-update arrives on the open stream, and reminders until
// their notification does. Measured on a quiet system, one at a time.
import { APP_IDS } from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';

interface StreamEvent {
  event: string;
  data: { task_id: string };
  at: number;
}

/** Opens the user's event stream on notification-service and collects what arrives, with the time it did. */
async function openStream(system: LocalSystem, token: string) {
  const events: StreamEvent[] = [];
  const controller = new AbortController();
  const stream = await fetch(`http://127.0.0.1:${system.appPort(APP_IDS.notificationService)}/api/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  void (async () => {
    let buffer = '';
    for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += Buffer.from(chunk).toString();
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /event: (.+)/.exec(block)?.[1];
        const data = /data: (.+)/.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
      }
    }
  })().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return { events, close: () => controller.abort() };
}

const createTask = (system: LocalSystem, token: string, body: unknown) =>
  fetch(`http://127.0.0.1:${system.appPort(APP_IDS.backend)}/api/tasks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ((await res.json()) as { id: string }).id);

/** Milliseconds from each of `n` creates (one after another) to its task-update at the stream. */
export async function updateLatencies(system: LocalSystem, token: string, n = 50): Promise<number[]> {
  const stream = await openStream(system, token);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < n; i += 1) {
      const sent = Date.now();
      const id = await createTask(system, token, { title: `sse ${i}` });
      for (let waited = 0; waited < 5_000; waited += 5) {
        const hit = stream.events.find((e) => e.event === 'task-update' && e.data.task_id === id);
        if (hit) {
          latencies.push(hit.at - sent);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } finally {
    stream.close();
  }
  return latencies;
}

/** `n` reminders due 100 ms apart from 5 s on: each one's notification at the stream minus its remind_at. */
export async function reminderLateness(system: LocalSystem, token: string, n = 100): Promise<number[]> {
  const stream = await openStream(system, token);
  const due = new Map<string, number>();
  const start = Date.now() + 5_000;
  try {
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const remindAt = new Date(start + i * 100);
        due.set(
          await createTask(system, token, { title: `reminder ${i}`, remind_at: remindAt.toISOString() }),
          +remindAt,
        );
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5_000 + n * 100 + 10_000));
  } finally {
    stream.close();
  }
  return stream.events
    .filter((e) => e.event === 'notification' && due.has(e.data.task_id))
    .map((e) => e.at - (due.get(e.data.task_id) as number));
}
