// The Dapr scheduler (the Jobs API's backend) as one standalone instance with its embedded etcd on loopback.
import { join } from 'node:path';
import { schedulerPath } from '../../../../tools/dapr/paths';
import { controlPlaneListenFlags } from './flags';
import { schedulerPorts } from './ports';
import { CONTROL_PLANE_TRUST_DOMAIN, trustAnchorsFile } from './sentry';

export const SCHEDULER_ID = 'dapr-scheduler-server-0';

/** With `sentryAddress`, the scheduler serves mTLS (daprd with mTLS dials it with mTLS) with an identity from it. */
export function schedulerCommand(dataDir: string, offset: number, logLevel: string, sentryAddress?: string): string[] {
  return schedulerCommandOn(dataDir, schedulerPorts(offset), logLevel, sentryAddress);
}

/** The same on ports of the caller's choosing (test harnesses pick free ones). */
export function schedulerCommandOn(
  dataDir: string,
  ports: ReturnType<typeof schedulerPorts>,
  logLevel: string,
  sentryAddress?: string,
): string[] {
  return [
    schedulerPath(),
    '--mode=standalone',
    `--id=${SCHEDULER_ID}`,
    ...controlPlaneListenFlags(ports),
    `--etcd-data-dir=${join(dataDir, 'scheduler')}`,
    '--etcd-client-listen-address=127.0.0.1',
    `--etcd-client-port=${ports.etcdClient}`,
    `--etcd-initial-cluster=${SCHEDULER_ID}=http://127.0.0.1:${ports.etcdPeer}`,
    ...(sentryAddress
      ? [
          '--tls-enabled',
          `--sentry-address=${sentryAddress}`,
          `--trust-anchors-file=${trustAnchorsFile(dataDir)}`,
          `--trust-domain=${CONTROL_PLANE_TRUST_DOMAIN}`,
          `--identity-directory-write=${join(dataDir, 'scheduler-identity')}`,
        ]
      : []),
    `--log-level=${logLevel}`,
  ];
}

export const schedulerHealthUrl = (offset: number) => `http://127.0.0.1:${schedulerPorts(offset).healthz}/healthz`;
