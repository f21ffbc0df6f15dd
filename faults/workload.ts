// The stream of task changes: scripts of plain tasks (create, edits, complete, reopen, delete), reminder tasks
// (a remind_at a few seconds ahead) and daily recurring tasks (create, complete). Each change is retried until it
// reaches a decision; the model records what the user was told, to compare with what the system did.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from './client';

export type Kind = 'plain' | 'reminder' | 'recurring';

export interface ModelTask {
  kind: Kind;
  user: number;
  title: string;
  /** The Idempotency-Key of its create. */
  key: string;
  id?: string;
  status: 'open' | 'completed';
  priority: string;
  deleted: boolean;
  remindAt?: string;
  /** Changes the user made to it (each an event the system must deliver once). */
  changes: number;
}

type Step = (task: ModelTask, client: Client) => Promise<void>;

export interface WorkloadStats {
  changes: number;
  undecidedAttempts: number;
  statusesSeen: Record<string, number>;
  byKind: Record<Kind, number>;
}

const PRIORITIES = ['high', 'medium', 'low'];

function expect2xx(what: string, status: number, text: string): void {
  if (status < 200 || status > 299) throw new Error(`${what}: unexpected ${status} ${text.slice(0, 300)}`);
}

export class Workload {
  readonly tasks: ModelTask[] = [];
  readonly stats: WorkloadStats = {
    changes: 0,
    undecidedAttempts: 0,
    statusesSeen: {},
    byKind: { plain: 0, reminder: 0, recurring: 0 },
  };
  private readonly scripts: { task: ModelTask; steps: Step[] }[] = [];
  private nextTick = Date.now();

  constructor(
    private readonly clients: Client[],
    private readonly changesPerSecond: number,
  ) {}

  /** Plans scripts until they add up to exactly `total` changes. */
  plan(total: number, random: () => number): void {
    let planned = 0;
    let n = 0;
    while (planned < total) {
      n += 1;
      const user = n % this.clients.length;
      const roll = n % 10;
      const kind: Kind = roll === 3 ? 'reminder' : roll === 7 || roll === 8 ? 'recurring' : 'plain';
      const task: ModelTask = {
        kind,
        user,
        title: `${kind} ${n} ${randomUUID().slice(0, 8)}`,
        key: randomUUID(),
        status: 'open',
        priority: PRIORITIES[n % 3] as string,
        deleted: false,
        changes: 0,
      };
      const steps: Step[] = [this.create()];
      if (kind === 'recurring') steps.push(this.setStatus('completed'));
      if (kind === 'plain') {
        const edits = 1 + Math.floor(random() * 3);
        for (let e = 0; e < edits; e += 1) steps.push(this.edit(e, random));
        steps.push(this.setStatus('completed'));
        if (random() < 0.3) steps.push(this.setStatus('open'));
        if (random() < 0.3) steps.push(this.remove());
      }
      const room = total - planned;
      this.scripts.push({ task, steps: steps.slice(0, room) });
      this.tasks.push(task);
      planned += Math.min(room, steps.length);
    }
  }

  /** Runs the scripts with `concurrency` users at a time, paced to `changesPerSecond`. */
  async run(concurrency: number, onProgress?: (done: number) => void): Promise<void> {
    const queue = [...this.scripts];
    const worker = async () => {
      for (let script = queue.shift(); script; script = queue.shift()) {
        for (const step of script.steps) {
          await this.pace();
          await step(script.task, this.clients[script.task.user] as Client);
          script.task.changes += 1;
          this.stats.changes += 1;
          this.stats.byKind[script.task.kind] += 1;
          onProgress?.(this.stats.changes);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private async pace(): Promise<void> {
    const slot = Math.max(this.nextTick, Date.now());
    this.nextTick = slot + 1000 / this.changesPerSecond;
    await sleep(slot - Date.now());
  }

  private count(statuses: number[], undecided: number): void {
    this.stats.undecidedAttempts += undecided;
    for (const s of statuses) this.stats.statusesSeen[s] = (this.stats.statusesSeen[s] ?? 0) + 1;
  }

  private create(): Step {
    return async (task, client) => {
      const body: Record<string, unknown> = { title: task.title, priority: task.priority, tags: ['faults', task.kind] };
      if (task.kind === 'reminder') {
        task.remindAt = new Date(Date.now() + 4_000 + Math.floor(Math.random() * 30_000)).toISOString();
        body.remind_at = task.remindAt;
      }
      if (task.kind === 'recurring') {
        body.recurrence = 'FREQ=DAILY';
        body.due_at = new Date(Date.now() + 86_400_000).toISOString();
      }
      // the same key on every attempt: a create whose answer was lost is not made twice
      const { answer, undecided, statuses } = await client.retrying('POST', '/api/tasks', body, {
        'idempotency-key': task.key,
      });
      this.count(statuses, undecided);
      expect2xx(`create ${task.title}`, answer.status, answer.text);
      task.id = answer.json.id;
    };
  }

  private edit(e: number, random: () => number): Step {
    return async (task, client) => {
      const priority = PRIORITIES[Math.floor(random() * 3)] as string;
      const { answer, undecided, statuses } = await client.retrying('PATCH', `/api/tasks/${task.id}`, {
        description: `edit ${e + 1}`,
        priority,
      });
      this.count(statuses, undecided);
      expect2xx(`edit ${task.title}`, answer.status, answer.text);
      task.priority = priority;
    };
  }

  /** Complete or reopen: both idempotent, so a retry after a lost answer changes nothing more. */
  private setStatus(status: 'open' | 'completed'): Step {
    const action = status === 'completed' ? 'complete' : 'reopen';
    return async (task, client) => {
      const { answer, undecided, statuses } = await client.retrying('POST', `/api/tasks/${task.id}/${action}`);
      this.count(statuses, undecided);
      expect2xx(`${action} ${task.title}`, answer.status, answer.text);
      task.status = status;
    };
  }

  private remove(): Step {
    return async (task, client) => {
      const { answer, undecided, statuses } = await client.retrying('DELETE', `/api/tasks/${task.id}`);
      this.count(statuses, undecided);
      // a delete retried after a lost answer (by this client, or by the frontend's sidecar) answers as the first did
      expect2xx(`delete ${task.title}`, answer.status, answer.text);
      task.deleted = true;
    };
  }
}
