// `node --import tsx packages/local-runtime/src/embedded-postgres-cli.ts [dataDir] [port]`: only the embedded
// Postgres, printing its URL (for tests, and for poking at the local data with psql).
import { startEmbeddedPostgres } from './database';

async function main() {
  const [dataDir = 'memory://', port = '0'] = process.argv.slice(2);
  const embedded = await startEmbeddedPostgres(dataDir, Number(port));
  process.stdout.write(`listening ${embedded.url}\n`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void embedded.stop().then(() => process.exit(0)));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
