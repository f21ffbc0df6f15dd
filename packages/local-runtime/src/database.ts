// The embedded default: PGlite (Postgres compiled to WebAssembly) served over the wire protocol, data kept on disk.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { DURABLE_SETTINGS, DurableNodeFS, syncTree } from './durable-fs';
import { readOrCreatePassword } from './password-file';
import { PGliteWireServer } from './pglite-server';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** The data folder's password sits beside it (mode 0600), made on the first start: `<dataDir>.password`. */
export const passwordFile = (dataDir: string) => `${dataDir}.password`;

/** PGlite's own start parameters without `-F` (fsync off), and with the fsync that DurableNodeFS makes real. */
export const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams.filter((p) => p !== '-F'), ...DURABLE_SETTINGS];

/** Serves a data folder (or `memory://`, kept nowhere) on 127.0.0.1 only, behind a password. */
export async function startEmbeddedPostgres(dataDir: string, port = 0): Promise<EmbeddedPostgres> {
  const inMemory = dataDir.startsWith('memory://');
  let password = randomBytes(24).toString('base64url');
  let fs: DurableNodeFS | undefined;
  let fresh = false;
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    password = readOrCreatePassword(passwordFile(dataDir));
    fresh = !existsSync(join(dataDir, 'PG_VERSION'));
    fs = new DurableNodeFS(dataDir);
  }
  // pg_trgm, btree_gin and fuzzystrmatch: the backend's forgiving task search, per user, and its typos' edits
  // (migrations 0008, 0011 and 0015)
  const db = await PGlite.create({
    ...(fs ? { fs } : { dataDir }),
    extensions: { pg_trgm, btree_gin, fuzzystrmatch },
    startParams: EMBEDDED_START_PARAMS,
  });
  // initdb wrote the new cluster without a working fsync: flush it all once, so a power cut cannot leave half of it
  if (fresh) syncTree(dataDir);
  const server = new PGliteWireServer(db, { password });
  const chosen = await server.start(port);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${chosen}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
