// Calls to /api with the bearer token; errors carry the server's code and message.
import type { ApiErrorBody, FieldIssue } from '@todo/contracts';
import { SIGN_IN_PATH } from '@todo/contracts/src/routes';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
    /** The whole error body, for answers that carry more (a 412 carries the task as it is now). */
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const TOKEN_KEY = 'todo.token';
export const session = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

// biome-ignore lint/suspicious/noExplicitAny: JSON from our own API
export async function api<T = any>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiFailure(0, 'OFFLINE', 'Cannot reach the server. Check your connection.');
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && path !== SIGN_IN_PATH) window.dispatchEvent(new Event('signed-out'));
    const error = (json as Partial<ApiErrorBody> | undefined)?.error;
    throw new ApiFailure(
      res.status,
      error?.code ?? 'ERROR',
      error?.message ?? `HTTP ${res.status}`,
      error?.details,
      json,
    );
  }
  return json as T;
}
