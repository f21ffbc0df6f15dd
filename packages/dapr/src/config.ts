// Where the sidecar is and how to talk to it, read the way daprd's own env vars describe it.

export type JobsApiVersion = 'v1.0' | 'v1.0-alpha1';

export interface DaprClientOptions {
  /** Base URL of the sidecar's HTTP API, without a trailing slash. */
  endpoint: string;
  /** Sent as `dapr-api-token` when the sidecar requires it. */
  apiToken?: string;
  /** Default time limit of one call to the sidecar. */
  timeoutMs: number;
  /** `v1.0-alpha1` is served by Dapr 1.14 to 1.18; `v1.0` only from 1.18. */
  jobsApiVersion: JobsApiVersion;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

export function daprOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DaprClientOptions {
  const port = env.DAPR_HTTP_PORT ?? '3500';
  const endpoint = (env.DAPR_HTTP_ENDPOINT ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  const jobsApiVersion = env.DAPR_JOBS_API_VERSION ?? 'v1.0-alpha1';
  if (jobsApiVersion !== 'v1.0' && jobsApiVersion !== 'v1.0-alpha1') {
    throw new Error(`DAPR_JOBS_API_VERSION must be v1.0 or v1.0-alpha1, got "${jobsApiVersion}"`);
  }
  const timeoutMs = env.DAPR_CLIENT_TIMEOUT_MS ? Number(env.DAPR_CLIENT_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`DAPR_CLIENT_TIMEOUT_MS must be a positive number, got "${env.DAPR_CLIENT_TIMEOUT_MS}"`);
  }
  return { endpoint, apiToken: env.DAPR_API_TOKEN || undefined, timeoutMs, jobsApiVersion };
}
