// Secret stores the stand-in can read: secretstores.local.file (JSON, nested keys, multiValued) and local.env.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ComponentResource } from './config/resources';

export class SecretNotFound extends Error {}

export interface SecretStore {
  /** The keys and values of one secret. */
  get(name: string): Record<string, string>;
  bulk(): Record<string, Record<string, string>>;
}

const plainMetadata = (component: ComponentResource): Record<string, string> =>
  Object.fromEntries(
    (component.spec.metadata ?? []).flatMap((m) => (m.value !== undefined ? [[m.name, String(m.value)]] : [])),
  );

function flatten(value: unknown, separator: string, prefix = ''): Record<string, string> {
  if (value === null || typeof value !== 'object') return { [prefix]: String(value) };
  return Object.assign(
    {},
    ...Object.entries(value as Record<string, unknown>).map(([key, inner]) =>
      flatten(inner, separator, prefix ? `${prefix}${separator}${key}` : key),
    ),
  );
}

class FileSecretStore implements SecretStore {
  constructor(
    private readonly file: string,
    private readonly separator: string,
    private readonly multiValued: boolean,
  ) {}

  private load(): Record<string, Record<string, string>> {
    // read on every call: the file may be written after the stand-in started (npm start generates it)
    const json = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
    if (!this.multiValued) {
      return Object.fromEntries(Object.entries(flatten(json, this.separator)).map(([k, v]) => [k, { [k]: v }]));
    }
    return Object.fromEntries(
      Object.entries(json).map(([name, value]) => [
        name,
        value !== null && typeof value === 'object' ? flatten(value, this.separator) : { [name]: String(value) },
      ]),
    );
  }

  get(name: string) {
    const secret = this.load()[name];
    if (!secret) throw new SecretNotFound(`secret ${name} not found`);
    return secret;
  }

  bulk() {
    return this.load();
  }
}

class EnvSecretStore implements SecretStore {
  get(name: string) {
    const value = process.env[name];
    if (value === undefined) throw new SecretNotFound(`secret ${name} not found`);
    return { [name]: value };
  }

  bulk() {
    return Object.fromEntries(Object.entries(process.env).map(([k, v]) => [k, { [k]: v ?? '' }]));
  }
}

/** The store for a secretstores.* component, or an error that says which types the stand-in knows. */
export function openSecretStore(component: ComponentResource, baseDir: string): SecretStore {
  const meta = plainMetadata(component);
  switch (component.spec.type) {
    case 'secretstores.local.file': {
      if (!meta.secretsFile) throw new Error(`component ${component.metadata.name}: secretsFile is required`);
      const file = isAbsolute(meta.secretsFile) ? meta.secretsFile : resolve(baseDir, meta.secretsFile);
      return new FileSecretStore(file, meta.nestedSeparator ?? ':', meta.multiValued === 'true');
    }
    case 'secretstores.local.env':
      return new EnvSecretStore();
    default:
      throw new Error(
        `component ${component.metadata.name}: the stand-in reads secretstores.local.file and secretstores.local.env, not ${component.spec.type}`,
      );
  }
}

/** Component metadata with every secretKeyRef resolved through the component's auth.secretStore. */
export function resolveMetadata(
  component: ComponentResource,
  stores: Map<string, SecretStore>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const item of component.spec.metadata ?? []) {
    if (item.secretKeyRef) {
      const storeName = component.auth?.secretStore;
      const store = storeName ? stores.get(storeName) : undefined;
      if (!store) {
        throw new Error(
          `component ${component.metadata.name}: metadata ${item.name} uses secretKeyRef but auth.secretStore names no known secret store`,
        );
      }
      const secret = store.get(item.secretKeyRef.name);
      const value = secret[item.secretKeyRef.key ?? item.secretKeyRef.name];
      if (value === undefined) {
        throw new Error(
          `component ${component.metadata.name}: secret ${item.secretKeyRef.name} has no key ${item.secretKeyRef.key}`,
        );
      }
      resolved[item.name] = value;
    } else if (item.value !== undefined) {
      resolved[item.name] = String(item.value);
    }
  }
  return resolved;
}
