// Service invocation: the caller sees the target app's own status and body; only an unreachable sidecar throws.
import { DaprTimeoutError, DaprUnreachableError } from './errors';
import type { SidecarHttp } from './http';

export interface InvokeOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  /** W3C trace context to continue (Dapr keeps the trace id). */
  traceparent?: string;
}

/**
 * Headers that belong to one hop (or to our sidecar) and must not be forwarded. `expect: 100-continue` was answered
 * by this hop's server already (and fetch refuses it).
 */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
  'proxy-authorization',
  'dapr-api-token',
]);

const ANY_STATUS = Array.from({ length: 500 }, (_, i) => i + 100);

/** `api/tasks` and `/api/tasks` name the same method. */
const bare = (method: string) => method.replace(/^\/+/, '');

const invokePath = (appId: string, method: string) =>
  `/v1.0/invoke/${encodeURIComponent(appId)}/method/${bare(method)}`;

export class InvokeClient {
  constructor(private readonly http: SidecarHttp) {}

  /** Calls `method` (a path such as `api/tasks`) on `appId` and returns its response, whatever its status. */
  async call(appId: string, method: string, options: InvokeOptions = {}): Promise<Response> {
    return this.http.send({
      context: { block: 'invoke', target: appId, operation: `${options.method ?? 'GET'} /${bare(method)}` },
      method: options.method ?? 'GET',
      path: invokePath(appId, method),
      query: options.query,
      headers: { ...options.headers, ...(options.traceparent ? { traceparent: options.traceparent } : {}) },
      body: options.body,
      timeoutMs: options.timeoutMs,
      accept: ANY_STATUS,
    });
  }

  /**
   * Forwards an incoming request (method, query, headers, streaming body) to `method` on `appId` and returns the
   * streaming response. Without `timeoutMs` it lives as long as the incoming request (for event streams).
   */
  async forward(
    appId: string,
    method: string,
    request: Request,
    timeoutMs?: number,
    /** Set by this hop, replacing whatever the request carried under these names. */
    ownHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const headers = this.http.headers();
    request.headers.forEach((value, key) => {
      // dapr-* headers steer the sidecar: a browser must not be able to set them
      if (!NOT_FORWARDED.has(key) && !key.startsWith('dapr-')) headers[key] = value;
    });
    for (const [key, value] of Object.entries(ownHeaders)) headers[key.toLowerCase()] = value;
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
    const url = `${this.http.url(invokePath(appId, method))}${new URL(request.url).search}`;
    const context = { block: 'invoke' as const, target: appId, operation: `${request.method} /${bare(method)}` };
    const init: RequestInit & { duplex?: 'half' } = {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : request.signal,
    };
    if (hasBody) init.duplex = 'half';
    try {
      return await fetch(url, init);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new DaprTimeoutError(context, timeoutMs ?? 0);
      }
      throw new DaprUnreachableError(context, `sidecar unreachable at ${this.http.options.endpoint}`, {
        cause: error,
      });
    }
  }
}
