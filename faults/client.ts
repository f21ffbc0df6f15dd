// A user of the system as a browser is: every call through the frontend, with a bearer token. `once` is one attempt;
// `retrying` retries what did not reach a decision (no answer, 5xx, 429) as a client would while a service restarts.
import { setTimeout as sleep } from 'node:timers/promises';

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the suite reads whatever JSON came back
  json: any;
  text: string;
  headers: Headers;
}

export interface Attempts {
  answer: Answer;
  /** Attempts that got no decision (no answer or a 5xx): an earlier one may still have been applied. */
  undecided: number;
  statuses: number[];
}

const TIMEOUT_MS = 15_000;
const GIVE_UP_MS = 180_000;

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): Client {
    return new Client(this.baseUrl, token);
  }

  async once(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  async retrying(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Attempts> {
    const started = Date.now();
    const statuses: number[] = [];
    let undecided = 0;
    for (let wait = 100; ; wait = Math.min(2_000, wait * 2)) {
      try {
        const answer = await this.once(method, path, body, headers);
        statuses.push(answer.status);
        if (answer.status < 500 && answer.status !== 429) return { answer, undecided, statuses };
      } catch {
        statuses.push(0);
      }
      undecided += 1;
      if (Date.now() - started > GIVE_UP_MS) {
        throw new Error(`${method} ${path}: no decision after ${GIVE_UP_MS / 1000} s (${statuses.join(', ')})`);
      }
      await sleep(wait);
    }
  }
}
