// `npm start`: Postgres (DATABASE_URL or embedded), the stand-in sidecar (or, with TODO_SIDECAR=daprd, a Kafka
// broker, the Dapr scheduler and one real daprd per app), then the four apps from dapr.yaml.
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { COMPONENTS } from '@todo/contracts';
import { parseReplicas, readResources, readRunFile } from '@todo/local-sidecar';
import { assertEnginesBuilt, type Engines, startEngines } from './daprd/engines';
import { kafkaPorts } from './daprd/ports';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './database';
import { endLeftovers, RUNNER } from './leftovers';
import { Supervised } from './processes';
import { waitUntilReady } from './readiness';
import { writeSecretsFile } from './secrets-file';

const ROOT = resolve(__dirname, '..', '..', '..');
const READY_TIMEOUT_MS = 60_000;

const WIDTH = 24;
const say = (text: string) => process.stdout.write(`${'local'.padEnd(WIDTH)} | ${text}\n`);

const running: Supervised[] = [];
let embedded: EmbeddedPostgres | undefined;
let engines: Engines | undefined;
/** TODO_SIDECAR=daprd: real daprd, the scheduler and a Kafka broker instead of the stand-in. */
const realEngines = process.env.TODO_SIDECAR === 'daprd';
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping');
    for (const proc of [...running].reverse()) await proc.stop();
    await engines?.kafka.stop();
    await embedded?.stop();
  }
  process.exit(code);
}

/** A port already taken usually means another `npm start` is running: say so instead of talking to it. */
async function assertPortsFree(ports: number[]): Promise<void> {
  const taken: number[] = [];
  await Promise.all(
    ports.map(
      (port) =>
        new Promise<void>((resolve) => {
          const server = createServer();
          server.once('error', () => {
            taken.push(port);
            resolve();
          });
          server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
        }),
    ),
  );
  if (taken.length) {
    throw new Error(`port(s) ${taken.sort().join(', ')} already in use: is another npm start (or dapr run) running?`);
  }
}

async function main() {
  const started = Date.now();
  const portOffset = Number(process.env.TODO_PORT_OFFSET ?? 0);
  if (!Number.isInteger(portOffset) || portOffset < 0) throw new Error('TODO_PORT_OFFSET must be a whole number');
  const runFile = readRunFile(join(ROOT, 'dapr.yaml'), {
    portOffset,
    replicas: parseReplicas(process.env.TODO_REPLICAS),
  });
  if (realEngines) {
    assertEnginesBuilt();
    // daprd's state.postgresql runs its migrations in a transaction that a second connection's advisory lock waits
    // on; the embedded server runs one transaction at a time, so daprd times out and exits (seen: "Failed to roll
    // back transaction: context deadline exceeded")
    if (!process.env.DATABASE_URL) {
      throw new Error(
        'TODO_SIDECAR=daprd needs DATABASE_URL (a PostgreSQL server): real daprd cannot use the embedded PGlite',
      );
    }
  }
  // TODO_DATA_DIR keeps a second copy of the system apart: its database and its secrets file
  const dataDir = resolve(process.env.TODO_DATA_DIR ?? join(ROOT, '.data'));
  // pids.json: where each process is now (tests and scripts signal them); rewritten when one is restarted
  const pidsFile = join(dataDir, 'pids.json');
  // a runner killed with -9 left processes holding the ports (on Linux its children die with it; not elsewhere)
  await endLeftovers(pidsFile, say);
  await assertPortsFree([
    ...runFile.apps.flatMap((a) => [a.daprHttpPort, ...(a.appPort ? [a.appPort] : [])]),
    ...(realEngines ? [kafkaPorts(portOffset).broker] : []),
  ]);
  const resources = readResources(runFile.resourcesPaths);
  const secretStore = resources.components.find((c) => c.metadata.name === COMPONENTS.secretStore);
  const secretsFile = secretStore?.spec.metadata?.find((m) => m.name === 'secretsFile')?.value;
  if (typeof secretsFile !== 'string')
    throw new Error(`resources/ needs a ${COMPONENTS.secretStore} component with secretsFile`);
  const baseDir = process.env.TODO_DATA_DIR ? dataDir : dirname(runFile.path);

  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) say('using DATABASE_URL');
  else {
    embedded = await startEmbeddedPostgres(join(dataDir, 'pglite'));
    databaseUrl = embedded.url;
    say(`embedded Postgres (PGlite) on ${new URL(databaseUrl).host}, data in ${join(dataDir, 'pglite')}`);
  }
  writeSecretsFile(resolve(baseDir, secretsFile), {
    databaseUrl,
    openaiApiKey: process.env.OPENAI_API_KEY,
  });

  // tokens both ways, as in the cluster: fresh each run unless given (system tests give them to call the sidecars)
  const tokens = {
    DAPR_API_TOKEN: process.env.DAPR_API_TOKEN || randomBytes(24).toString('base64url'),
    APP_API_TOKEN: process.env.APP_API_TOKEN || randomBytes(24).toString('base64url'),
  };
  const { DATABASE_URL: _notForApps, OPENAI_API_KEY: _alsoNot, ...baseEnv } = process.env;
  // last resort if this process dies of an error: no orphaned children holding the ports
  process.once('exit', () => {
    for (const proc of running) if (proc.running) proc.child.kill('SIGKILL');
    engines?.kafka.kill();
  });
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const pids: Record<string, number> = {};
  const recordPid = (name: string) => (pid: number) => {
    pids[name] = pid;
    // whole or not at all: a reader never sees a half-written file
    writeFileSync(`${pidsFile}.tmp`, JSON.stringify(pids));
    renameSync(`${pidsFile}.tmp`, pidsFile);
  };
  recordPid(RUNNER)(process.pid);
  const sidecarEnv = { ...baseEnv, ...tokens };
  if (realEngines) {
    engines = await startEngines({
      runFile,
      offset: portOffset,
      dataDir,
      baseDir,
      env: sidecarEnv,
      logLevel: process.env.LOG_LEVEL || 'warn',
      width: WIDTH,
      say,
      recordPid,
    });
    running.push(engines.sentry, engines.scheduler, ...engines.sidecars);
  } else {
    const sidecar = new Supervised(
      'dapr-standin',
      [
        process.execPath,
        '--import',
        'tsx',
        join(ROOT, 'packages', 'local-sidecar', 'src', 'main.ts'),
        '-f',
        runFile.path,
      ],
      {
        cwd: ROOT,
        env: {
          ...sidecarEnv,
          STANDIN_DATABASE_URL: databaseUrl,
          STANDIN_PORT_OFFSET: String(portOffset),
          STANDIN_BASE_DIR: baseDir,
        },
        colourIndex: 5,
        width: WIDTH,
        say,
        onStart: recordPid('dapr-standin'),
      },
    );
    running.push(sidecar);
    const sidecarAlive = () => sidecar.running;
    for (const app of runFile.apps) {
      await waitUntilReady(`http://127.0.0.1:${app.daprHttpPort}/v1.0/healthz`, READY_TIMEOUT_MS, sidecarAlive);
    }
    // each process is restarted after a crash from the moment it was first ready (a broken start fails fast instead)
    sidecar.restart = true;
  }

  const apps = runFile.apps.map((app, index) => {
    if (!app.command) throw new Error(`${runFile.path}: app ${app.appId} has no command`);
    const proc = new Supervised(app.name, app.command, {
      cwd: app.appDir,
      env: {
        ...baseEnv,
        ...app.env,
        // dapr.yaml sets LOG_LEVEL for everyone; one given to npm start (LOG_LEVEL=debug npm start) wins
        ...(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {}),
        ...tokens,
        APP_ID: app.appId,
        APP_PORT: String(app.appPort),
        DAPR_HTTP_PORT: String(app.daprHttpPort),
      },
      colourIndex: index,
      width: WIDTH,
      say,
      onStart: recordPid(app.name),
    });
    running.push(proc);
    return { app, proc };
  });
  await Promise.all(
    apps.map(({ app, proc }) =>
      waitUntilReady(`http://127.0.0.1:${app.appPort}/readyz`, READY_TIMEOUT_MS, () => proc.running).then(() => {
        proc.restart = true;
      }),
    ),
  );
  for (const sidecar of engines?.sidecars ?? []) sidecar.restart = true;
  const frontend = runFile.apps[0];
  say(`all ${apps.length} apps ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`open http://localhost:${frontend?.appPort}  (Ctrl-C stops everything; data is kept)`);
}

main().catch((error) => {
  say(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
