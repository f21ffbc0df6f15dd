// Sidecar health: readiness checks and waiting for the sidecar at start.
import { setTimeout as sleep } from 'node:timers/promises';
import { DaprError } from './errors';
import type { SidecarHttp } from './http';

export interface SidecarMetadata {
  id: string;
  components?: { name: string; type: string; version?: string }[];
  [key: string]: unknown;
}

export class HealthClient {
  constructor(private readonly http: SidecarHttp) {}

  /** Resolves when the sidecar reports healthy; throws a typed error otherwise. */
  async check(timeoutMs = 1_000): Promise<void> {
    await this.http.send({
      context: { block: 'health', target: 'sidecar', operation: 'healthz' },
      method: 'GET',
      path: '/v1.0/healthz',
      timeoutMs,
      accept: [200, 204],
    });
  }

  async metadata(): Promise<SidecarMetadata> {
    const { value } = await this.http.json<SidecarMetadata>({
      context: { block: 'metadata', target: 'sidecar', operation: 'get' },
      method: 'GET',
      path: '/v1.0/metadata',
      accept: [200],
    });
    if (!value) throw new Error('sidecar metadata was empty');
    return value;
  }

  /** Asks the sidecar to stop (for Jobs: a pod only completes when every container exits). */
  async shutdown(): Promise<void> {
    await this.http.send({
      context: { block: 'health', target: 'sidecar', operation: 'shutdown' },
      method: 'POST',
      path: '/v1.0/shutdown',
      accept: [200, 204],
    });
  }

  /** Polls the outbound health endpoint until the sidecar can serve the app's calls, or throws the last error. */
  async waitForSidecar(options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      try {
        await this.http.send({
          context: { block: 'health', target: 'sidecar', operation: 'healthz/outbound' },
          method: 'GET',
          path: '/v1.0/healthz/outbound',
          timeoutMs: 1_000,
          accept: [200, 204],
        });
        return;
      } catch (error) {
        if (!(error instanceof DaprError) || Date.now() >= deadline) throw error;
        await sleep(options.intervalMs ?? 500);
      }
    }
  }
}
