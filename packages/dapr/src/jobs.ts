// Jobs API over HTTP (@dapr/dapr 3.18 has no Jobs client). The name goes only in the URL.
import type { JobsApiVersion } from './config';
import { DaprStatusError } from './errors';
import type { SidecarHttp } from './http';

export type FailurePolicy = { drop: Record<string, never> } | { constant: { interval?: string; maxRetries?: number } };

export interface JobSpec<T = unknown> {
  /** RFC 3339 with an offset, or a Go duration such as `30s`. */
  dueTime?: string;
  /** 6-field cron (seconds first), `@every 1h`, `@daily`, `@hourly`. */
  schedule?: string;
  repeats?: number;
  ttl?: string;
  data?: T;
  /** Replace a job of the same name (otherwise reusing a name is an error since Dapr 1.16). */
  overwrite?: boolean;
  failurePolicy?: FailurePolicy;
}

export interface Job<T = unknown> extends JobSpec<T> {
  name: string;
}

const isNotFound = (error: unknown) =>
  error instanceof DaprStatusError &&
  (error.status === 404 || (error.status === 500 && /not found/i.test(error.message)));

export class JobsClient {
  constructor(
    private readonly http: SidecarHttp,
    private readonly version: JobsApiVersion,
  ) {}

  private path(name: string) {
    return `/${this.version}/jobs/${encodeURIComponent(name)}`;
  }

  async schedule<T>(name: string, spec: JobSpec<T>): Promise<void> {
    if (spec.dueTime === undefined && spec.schedule === undefined) {
      throw new TypeError(`job "${name}" needs a dueTime or a schedule`);
    }
    await this.http.send({
      context: { block: 'jobs', target: name, operation: 'schedule' },
      method: 'POST',
      path: this.path(name),
      body: spec,
      accept: [200, 204],
    });
  }

  /** The job, or undefined when no job has that name. */
  async get<T>(name: string): Promise<Job<T> | undefined> {
    try {
      const { value } = await this.http.json<Job<unknown>>({
        context: { block: 'jobs', target: name, operation: 'get' },
        method: 'GET',
        path: this.path(name),
        accept: [200],
      });
      if (!value) return undefined;
      return { ...(value as Job<T>), data: unwrapValue(value.data) as T };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Deletes the job; deleting a job that is not there is not an error. */
  async delete(name: string): Promise<void> {
    try {
      await this.http.send({
        context: { block: 'jobs', target: name, operation: 'delete' },
        method: 'DELETE',
        path: this.path(name),
        accept: [200, 204],
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** daprd answers a job's data as the protobuf Any it stored: `{ "@type": "...google.protobuf.Value", value }`. */
function unwrapValue(data: unknown): unknown {
  if (typeof data === 'object' && data !== null && (data as { '@type'?: unknown })['@type'] === PROTOBUF_VALUE) {
    return (data as { value?: unknown }).value;
  }
  return data;
}

const PROTOBUF_VALUE = 'type.googleapis.com/google.protobuf.Value';
