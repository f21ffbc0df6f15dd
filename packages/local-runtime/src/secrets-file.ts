// Writes the JSON file behind the local `kubernetes-secrets` store; the auth secret is made once and kept.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SECRET } from '@todo/contracts';

export function writeSecretsFile(path: string, values: { databaseUrl: string; openaiApiKey?: string }): void {
  let previous: Record<string, Record<string, string>> = {};
  if (existsSync(path)) {
    try {
      previous = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      previous = {};
    }
  }
  const kept = previous[SECRET.name] ?? {};
  const secret: Record<string, string> = {
    [SECRET.keys.databaseUrl]: values.databaseUrl,
    [SECRET.keys.authSecret]: kept[SECRET.keys.authSecret] ?? randomBytes(32).toString('base64url'),
  };
  if (values.openaiApiKey) secret[SECRET.keys.openaiApiKey] = values.openaiApiKey;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ [SECRET.name]: secret }, null, 2)}\n`, { mode: 0o600 });
}
