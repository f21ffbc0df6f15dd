// The mixed load of the memory benches: per user, workers that create (long descriptions), list a page, search, update,
// complete and delete tasks, and optionally chat; latencies and counts taken per sample.
import { randomUUID } from 'node:crypto';
import { percentile } from './measure';

export class MixedLoad {
  latencies: number[] = [];
  requests = 0;
  errors = 0;
  stopped = false;
  failure?: unknown;

  constructor(
    private readonly base: string,
    private readonly options: { description: string; keepTasks: number; workersPerUser: number; chat?: boolean },
  ) {}

  async call(path: string, token: string, init: { method?: string; body?: unknown } = {}) {
    const started = performance.now();
    try {
      const res = await fetch(`${this.base}${path}`, {
        method: init.method ?? (init.body ? 'POST' : 'GET'),
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      this.requests += 1;
      if (!res.ok) this.errors += 1;
      this.latencies.push(performance.now() - started);
      return text ? JSON.parse(text) : undefined;
    } catch {
      this.errors += 1;
      return undefined;
    }
  }

  async user(n: number): Promise<void> {
    const signUp = await this.call('/api/auth/sign-up', '', {
      body: {
        email: `soak-${n}-${Date.now()}@example.com`,
        password: `Soak-${randomUUID()}`,
        timezone: 'Europe/Berlin',
      },
    });
    const token = signUp?.token as string;
    if (!token) throw new Error(`sign-up failed: ${JSON.stringify(signUp)}`);
    const open: string[] = [];
    const worker = async (w: number) => {
      for (let i = 0; !this.stopped; i++) {
        const pick = (i * 7 + w) % 10;
        if (pick < 5 || open.length < 10) {
          // the case that used to leak: a user's whole list, 100 tasks with long descriptions
          if (open.length >= 10) await this.call(`/api/tasks?limit=${this.options.keepTasks}`, token);
          const task = await this.call('/api/tasks', token, {
            body: { title: `soak ${n}.${w}.${i}`, description: this.options.description, priority: 'medium' },
          });
          if (task?.id) open.push(task.id);
        } else if (pick < 7) {
          await this.call(`/api/tasks?q=soak&limit=20`, token);
        } else if (pick < 9) {
          const id = open[i % open.length];
          if (id) await this.call(`/api/tasks/${id}`, token, { method: 'PATCH', body: { priority: 'high' } });
        } else if (this.options.chat && i % 20 === 9) {
          // a chat turn through the agent and its MCP tools
          await this.call('/api/chat', token, { body: { message: `add call the bank ${n}.${w}.${i} tomorrow` } });
        } else {
          const id = open.shift();
          if (id) await this.call(`/api/tasks/${id}/complete`, token, { method: 'POST' });
        }
        while (open.length > this.options.keepTasks) {
          const id = open.shift();
          if (id) await this.call(`/api/tasks/${id}`, token, { method: 'DELETE' });
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.workersPerUser }, (_, w) => worker(w)));
  }

  take(): { requests: number; errors: number; p50: number; p99: number } {
    const out = {
      requests: this.requests,
      errors: this.errors,
      p50: percentile(this.latencies, 50),
      p99: percentile(this.latencies, 99),
    };
    this.latencies = [];
    this.requests = 0;
    this.errors = 0;
    return out;
  }
}
