// Dapr Sentry in standalone mode: the CA that gives each daprd its SPIFFE identity, so daprd-to-daprd calls use
// mTLS and the callee's daprd knows the caller, which its access control needs (without mTLS it denies them all).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_NAMESPACE } from '@todo/contracts';
import { sentryPath } from '../../../../tools/dapr/paths';
import { controlPlaneListenFlags } from './flags';
import { sentryPorts } from './ports';

/** The control plane's trust domain (sentry's, the scheduler's), Dapr's self-hosted default; apps get `public`. */
export const CONTROL_PLANE_TRUST_DOMAIN = 'localhost';
/** NAMESPACE for sentry, the scheduler and daprd: a stray NAMESPACE in the shell must not change the identities. */
export const mtlsEnv = { NAMESPACE: LOCAL_NAMESPACE };

/** Sentry writes its root and issuer here on first start (kept with the data, as `dapr init` keeps ~/.dapr/certs). */
const credentials = (dataDir: string) => join(dataDir, 'sentry', 'credentials');
export const trustAnchorsFile = (dataDir: string) => join(credentials(dataDir), 'ca.crt');

/** The root certificate, once sentry has written it (its health answers before it has, on a first start). */
export async function readTrustAnchors(dataDir: string, timeoutMs: number, isAlive: () => boolean): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(trustAnchorsFile(dataDir))) {
    if (!isAlive() || Date.now() > deadline) throw new Error(`sentry wrote no ${trustAnchorsFile(dataDir)}`);
    await sleep(100);
  }
  return readFileSync(trustAnchorsFile(dataDir), 'utf8');
}

export function sentryCommand(dataDir: string, offset: number, logLevel: string): string[] {
  const ports = sentryPorts(offset);
  mkdirSync(credentials(dataDir), { recursive: true });
  // sentry exits without a configuration; this one only says what its defaults already are
  const config = join(dataDir, 'sentry', 'config.yaml');
  writeFileSync(
    config,
    'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: daprsystem\nspec:\n  mtls:\n    enabled: true\n',
  );
  return [
    sentryPath(),
    '--mode=standalone',
    `--config=${config}`,
    `--issuer-credentials=${credentials(dataDir)}`,
    `--trust-domain=${CONTROL_PLANE_TRUST_DOMAIN}`,
    ...controlPlaneListenFlags(ports),
    `--log-level=${logLevel}`,
  ];
}

export const sentryAddress = (offset: number) => `127.0.0.1:${sentryPorts(offset).grpc}`;
export const sentryHealthUrl = (offset: number) => `http://127.0.0.1:${sentryPorts(offset).healthz}/healthz`;
