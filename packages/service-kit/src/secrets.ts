// An app's secrets come only through the Dapr secrets API (kubernetes-secrets in the cluster, a file locally).
import { COMPONENTS, SECRET } from '@todo/contracts';
import type { Dapr } from '@todo/dapr';

export interface AppSecrets {
  databaseUrl: string;
  authSecret: string;
  openaiApiKey?: string;
}

export async function loadSecrets(dapr: Dapr): Promise<AppSecrets> {
  const secret = await dapr.secrets.get(COMPONENTS.secretStore, SECRET.name);
  const databaseUrl = secret[SECRET.keys.databaseUrl];
  const authSecret = secret[SECRET.keys.authSecret];
  const missing = [...(databaseUrl ? [] : [SECRET.keys.databaseUrl]), ...(authSecret ? [] : [SECRET.keys.authSecret])];
  if (missing.length || !databaseUrl || !authSecret) {
    throw new Error(`secret ${SECRET.name} in ${COMPONENTS.secretStore} lacks ${missing.join(', ')}`);
  }
  if (authSecret.length < 32) throw new Error(`${SECRET.keys.authSecret} must be at least 32 characters`);
  return { databaseUrl, authSecret, openaiApiKey: secret[SECRET.keys.openaiApiKey] || undefined };
}
