// Run by durability.test.ts in a child (jest cannot load PGlite's WebAssembly): commits rows on the embedded settings
// and says how many fsync(2) calls reached the data folder's files.
import { PGlite } from '@electric-sql/pglite';
import { EMBEDDED_START_PARAMS } from '../src/database';
import { DurableNodeFS } from '../src/durable-fs';

async function main() {
  const [dir = '', commits = '20'] = process.argv.slice(2);
  const fs = new DurableNodeFS(dir);
  const db = await PGlite.create({ fs, startParams: EMBEDDED_START_PARAMS });
  await db.exec('create table t (n int)');
  const before = fs.syncs;
  for (let n = 0; n < Number(commits); n++) await db.query('insert into t values ($1)', [n]);
  const settings = await db.query<{ fsync: string }>('show fsync');
  process.stdout.write(`${JSON.stringify({ syncs: fs.syncs - before, fsync: settings.rows[0]?.fsync })}\n`);
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
