// Secrets API: a named secret is a map of keys to values.
import type { SidecarHttp } from './http';

export class SecretsClient {
  constructor(private readonly http: SidecarHttp) {}

  async get(store: string, name: string): Promise<Record<string, string>> {
    const { value } = await this.http.json<Record<string, string>>({
      context: { block: 'secrets', target: store, operation: `get "${name}"` },
      method: 'GET',
      path: `/v1.0/secrets/${encodeURIComponent(store)}/${encodeURIComponent(name)}`,
      accept: [200],
    });
    return value ?? {};
  }

  async getBulk(store: string): Promise<Record<string, Record<string, string>>> {
    const { value } = await this.http.json<Record<string, Record<string, string>>>({
      context: { block: 'secrets', target: store, operation: 'bulk get' },
      method: 'GET',
      path: `/v1.0/secrets/${encodeURIComponent(store)}/bulk`,
      accept: [200],
    });
    return value ?? {};
  }

  /** One key of a secret; a missing key is an error that names it. */
  async require(store: string, name: string, key: string): Promise<string> {
    const secret = await this.get(store, name);
    const value = secret[key];
    if (!value) throw new Error(`secret "${name}" in store "${store}" has no key "${key}"`);
    return value;
  }
}
