// One real daprd per app, as `dapr run -f .` starts them: app id, ports, resources and app health from dapr.yaml;
// the API token and the app token from the environment (DAPR_API_TOKEN, APP_API_TOKEN), as in the cluster.
import { LOCAL_NAMESPACE } from '@todo/contracts';
import type { RunApp } from '@todo/local-sidecar';
import { daprdPath } from '../../../../tools/dapr/paths';
import { daprdListenFlags } from './flags';
import { daprdPorts, schedulerPorts } from './ports';
import { CONTROL_PLANE_TRUST_DOMAIN } from './sentry';

export interface DaprdOptions {
  app: RunApp;
  index: number;
  offset: number;
  resourcesPaths: string[];
  logLevel: string;
  /** A Dapr Configuration file (access control, tracing), if any. */
  config?: string;
  /** mTLS with identities from this Sentry (trust anchors in DAPR_TRUST_ANCHORS): what access control needs. */
  sentryAddress?: string;
}

export function daprdCommand(options: DaprdOptions): string[] {
  const { app, index, offset } = options;
  const ports = daprdPorts(index, offset);
  return [
    daprdPath(),
    '--mode=standalone',
    `--app-id=${app.appId}`,
    ...(app.appPort ? [`--app-port=${app.appPort}`, '--app-protocol=http'] : []),
    `--app-channel-address=${app.channelAddress}`,
    ...daprdListenFlags({ ...ports, http: app.daprHttpPort }),
    `--scheduler-host-address=127.0.0.1:${schedulerPorts(offset).grpc}`,
    ...options.resourcesPaths.map((p) => `--resources-path=${p}`),
    ...(options.config ? [`--config=${options.config}`] : []),
    ...(options.sentryAddress
      ? [
          '--enable-mtls',
          `--sentry-address=${options.sentryAddress}`,
          `--control-plane-trust-domain=${CONTROL_PLANE_TRUST_DOMAIN}`,
          `--control-plane-namespace=${LOCAL_NAMESPACE}`,
        ]
      : []),
    ...(app.appPort ? ['--enable-app-health-check', '--app-health-check-path=/healthz'] : []),
    `--log-level=${options.logLevel}`,
  ];
}
