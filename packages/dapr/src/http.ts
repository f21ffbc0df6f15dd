// The one place that sends a request to the sidecar: time limit, token, status check, typed errors.
import type { DaprClientOptions } from './config';
import {
  type DaprCallContext,
  DaprEtagMismatchError,
  DaprStatusError,
  DaprTimeoutError,
  DaprUnreachableError,
} from './errors';

export interface SidecarRequest {
  context: DaprCallContext;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path below the sidecar endpoint, starting with `/`; segments already encoded. */
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is already a string. */
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  /** Statuses that are not failures; anything else throws. */
  accept: readonly number[];
}

const encodeQuery = (query: Record<string, string | undefined> | undefined): string => {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export class SidecarHttp {
  constructor(readonly options: DaprClientOptions) {}

  headers(extra?: Record<string, string>): Record<string, string> {
    return { ...(this.options.apiToken ? { 'dapr-api-token': this.options.apiToken } : {}), ...extra };
  }

  url(path: string, query?: Record<string, string | undefined>): string {
    return `${this.options.endpoint}${path}${encodeQuery(query)}`;
  }

  /** Sends the request and returns the response once its status is accepted; the body is left unread. */
  async send(request: SidecarRequest): Promise<Response> {
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const headers = this.headers(request.headers);
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      headers['content-type'] = request.contentType ?? 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(this.url(request.path, request.query), {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new DaprTimeoutError(request.context, timeoutMs);
      }
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
      throw new DaprUnreachableError(request.context, `sidecar unreachable at ${this.options.endpoint} (${reason})`, {
        cause: error,
      });
    }
    if (request.accept.includes(response.status)) return response;
    throw await statusError(request.context, response);
  }

  /** Sends the request and parses a JSON body (undefined for an empty body). */
  async json<T>(request: SidecarRequest): Promise<{ status: number; headers: Headers; value: T | undefined }> {
    const response = await this.send(request);
    const text = await readBody(request.context, response, request.timeoutMs ?? this.options.timeoutMs);
    return { status: response.status, headers: response.headers, value: text ? (JSON.parse(text) as T) : undefined };
  }
}

async function readBody(context: DaprCallContext, response: Response, timeoutMs: number): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (error instanceof DOMException) throw new DaprTimeoutError(context, timeoutMs);
    throw error;
  }
}

async function statusError(context: DaprCallContext, response: Response): Promise<DaprStatusError> {
  const body = await response.text().catch(() => '');
  let errorCode: string | undefined;
  let message = body;
  try {
    const parsed = JSON.parse(body) as { errorCode?: string; message?: string };
    errorCode = parsed.errorCode;
    message = parsed.message ?? body;
  } catch {
    // not JSON: keep the raw text
  }
  // daprd 1.18: a stale ETag is 409 "possible etag mismatch"; a first-write on a key that exists is 500
  // ERR_STATE_SAVE "... no item was updated" (state.postgresql), in a transaction ERR_STATE_TRANSACTION
  const etagMismatch =
    context.block === 'state' && (response.status === 409 || /etag mismatch|no item was updated/i.test(message));
  const ErrorClass = etagMismatch ? DaprEtagMismatchError : DaprStatusError;
  return new ErrorClass(context, response.status, errorCode, message);
}
