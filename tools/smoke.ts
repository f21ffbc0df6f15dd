// `SMOKE_URL=http://host npm run smoke`: through the frontend only, sign up, create a task, and wait until its event
// has reached notification-service's audit log. Exits non-zero, saying where, when any step fails.
const base = (process.env.SMOKE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');

async function call(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function main() {
  const started = Date.now();
  for (let i = 0; ; i += 1) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 60) throw new Error(`${base}/readyz never answered 200`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  const email = `smoke-${Date.now()}@example.com`;
  const { token } = await call('/api/auth/sign-up', {
    body: { email, password: 'smoke test password', timezone: 'UTC' },
  });
  const task = await call('/api/tasks', { token, body: { title: 'Smoke test task', tags: ['smoke'] } });
  console.log(`created task ${task.id}`);
  for (let i = 0; i < 60; i += 1) {
    const audit = await call(`/api/audit?task_id=${task.id}`, { token });
    if (audit.items.some((item: { event_type: string }) => item.event_type === 'created')) {
      console.log(`the task event reached notification-service in ${Date.now() - started} ms: smoke test passed`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error('the task event did not reach the audit log within 60 s');
}

main().catch((error) => {
  console.error(`smoke test failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
