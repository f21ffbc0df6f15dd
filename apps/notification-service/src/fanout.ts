// Pushes feed entries to the browsers connected to this replica. Every replica reads the same feed table, so a
// message handled by one replica (the consumer group shares them) reaches the user's browsers on all replicas.
import type { Logger } from 'pino';
import type { UserEventsTable } from './db/schema';
import type { NotificationStore } from './store';

export interface FeedEntry {
  id: string;
  kind: UserEventsTable['kind'];
  payload: unknown;
}

type Listener = (entry: FeedEntry) => void;

export class Fanout {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly everyEntry = new Set<(entry: FeedEntry & { userId: string }) => void>();
  private last = '0';
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly store: NotificationStore,
    private readonly logger: Logger,
    private readonly intervalMs = 150,
  ) {}

  async start(): Promise<void> {
    this.last = await this.store.feedHead();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Calls `listener` for each new entry of `userId`; returns the unsubscribe function. */
  subscribe(userId: string, listener: Listener): () => void {
    let set = this.listeners.get(userId);
    if (!set) {
      set = new Set();
      this.listeners.set(userId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  /** Calls `listener` for every new entry of every user (such as forgetting a session that ended). */
  onEveryEntry(listener: (entry: FeedEntry & { userId: string }) => void): void {
    this.everyEntry.add(listener);
  }

  get connections(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (;;) {
        const rows = await this.store.feedAfter(this.last);
        if (rows.length === 0) return;
        for (const row of rows) {
          this.last = String(row.id);
          const entry: FeedEntry = { id: String(row.id), kind: row.kind, payload: row.payload };
          for (const listener of this.everyEntry) listener({ ...entry, userId: row.user_id });
          for (const listener of this.listeners.get(row.user_id) ?? []) listener(entry);
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'reading the user event feed failed; will try again');
    } finally {
      this.polling = false;
    }
  }
}
