// `TODO_SIDECAR=daprd npm start`: the real engines in place of the stand-in. A Kafka broker (jars from Maven
// Central), Dapr's sentry, the scheduler and one daprd per app with mTLS, each with its app's Configuration (access
// control) from resources/config (all built from the Go module by `npm run dapr:build`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunApp, RunFile } from '@todo/local-sidecar';
import { daprdPath, schedulerPath, sentryPath } from '../../../../tools/dapr/paths';
import { type KafkaBroker, SYSTEM_TOPICS, startKafka } from '../../../../tools/kafka/broker';
import { KAFKA_LIB } from '../../../../tools/kafka/fetch';
import { Supervised } from '../processes';
import { waitUntilReady } from '../readiness';
import { daprdCommand } from './daprd';
import { daprdConfiguration } from './name-resolution';
import { kafkaPorts } from './ports';
import { daprdResources } from './resources';
import { schedulerCommand, schedulerHealthUrl } from './scheduler';
import { mtlsEnv, readTrustAnchors, sentryAddress, sentryCommand, sentryHealthUrl } from './sentry';

const READY_TIMEOUT_MS = 90_000;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export interface EngineContext {
  runFile: RunFile;
  offset: number;
  dataDir: string;
  /** Where relative paths in resources/ (the secrets file) resolve: daprd's working directory. */
  baseDir: string;
  env: NodeJS.ProcessEnv;
  logLevel: string;
  width: number;
  say: (text: string) => void;
  recordPid: (name: string) => (pid: number) => void;
}

export interface Engines {
  kafka: KafkaBroker;
  sentry: Supervised;
  scheduler: Supervised;
  sidecars: Supervised[];
}

/** Says what to run first when a binary or the jars are missing, instead of failing somewhere deeper. */
export function assertEnginesBuilt(): void {
  const missing = [daprdPath(), schedulerPath(), sentryPath()].filter((p) => !existsSync(p));
  if (!existsSync(KAFKA_LIB)) missing.push(KAFKA_LIB);
  if (missing.length) {
    throw new Error(`TODO_SIDECAR=daprd needs ${missing.join(', ')}: run \`npm run dapr:build\` first (Go and Java)`);
  }
}

export async function startEngines(ctx: EngineContext): Promise<Engines> {
  assertEnginesBuilt();
  const ports = kafkaPorts(ctx.offset);
  let backoffMs = FIRST_BACKOFF_MS;
  // a crashed broker is started again on the same data, as its pod would be: nothing acknowledged is lost
  const restartKafka = (how: string) => {
    ctx.say(`kafka crashed (${how}); starting it again in ${backoffMs} ms`);
    setTimeout(() => {
      kafka.restart().then(
        () => {
          backoffMs = FIRST_BACKOFF_MS;
          ctx.recordPid('kafka')(kafka.pid);
          ctx.say(`kafka is back on ${kafka.bootstrap}`);
        },
        (error: Error) => {
          backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
          restartKafka(error.message.split('\n')[0] ?? 'start failed');
        },
      );
    }, backoffMs);
  };
  const kafka = await startKafka({
    port: ports.broker,
    controllerPort: ports.controller,
    dataDir: join(ctx.dataDir, 'kafka'),
    topics: SYSTEM_TOPICS,
    onExit: restartKafka,
  });
  ctx.recordPid('kafka')(kafka.pid);
  ctx.say(`Kafka broker on ${kafka.bootstrap}, data in ${join(ctx.dataDir, 'kafka')}`);

  const started: Supervised[] = [];
  const supervise = (
    name: string,
    command: string[],
    env: NodeJS.ProcessEnv,
    colourIndex: number,
    cwd = ctx.dataDir,
  ) => {
    const proc = new Supervised(name, command, {
      cwd,
      env: { ...ctx.env, ...env },
      colourIndex,
      width: ctx.width,
      say: ctx.say,
      onStart: ctx.recordPid(name),
    });
    started.push(proc);
    return proc;
  };
  try {
    // without mTLS a callee's daprd knows no caller and its access control denies every invocation
    const sentry = supervise('dapr-sentry', sentryCommand(ctx.dataDir, ctx.offset, ctx.logLevel), mtlsEnv, 6);
    await waitUntilReady(sentryHealthUrl(ctx.offset), READY_TIMEOUT_MS, () => sentry.running);
    const trustAnchors = await readTrustAnchors(ctx.dataDir, READY_TIMEOUT_MS, () => sentry.running);
    const mtls = { ...mtlsEnv, DAPR_TRUST_ANCHORS: trustAnchors };
    ctx.say(
      `sentry on ${sentryAddress(ctx.offset)}: daprd-to-daprd calls use mTLS, access control from resources/config`,
    );

    const schedulerArgs = schedulerCommand(ctx.dataDir, ctx.offset, ctx.logLevel, sentryAddress(ctx.offset));
    const scheduler = supervise('dapr-scheduler', schedulerArgs, mtls, 5);
    await waitUntilReady(schedulerHealthUrl(ctx.offset), READY_TIMEOUT_MS, () => scheduler.running);

    const resourcesPaths = daprdResources(
      ctx.runFile.resourcesPaths,
      kafka.bootstrap,
      join(ctx.dataDir, 'daprd-resources'),
    );
    const startSidecar = (app: RunApp, index: number) =>
      supervise(
        `daprd-${app.name}`,
        daprdCommand({
          app,
          index,
          offset: ctx.offset,
          resourcesPaths,
          logLevel: ctx.logLevel,
          config: daprdConfiguration(app.appId, app.configFile, ctx.dataDir),
          sentryAddress: sentryAddress(ctx.offset),
        }),
        mtls,
        index,
        ctx.baseDir,
      );
    // the apps wait for their sidecar's outbound health; daprd's full health needs the app, which starts next
    const outbound = (app: RunApp, sidecar: Supervised) =>
      waitUntilReady(`http://127.0.0.1:${app.daprHttpPort}/v1.0/healthz/outbound`, READY_TIMEOUT_MS, () =>
        Boolean(sidecar.running),
      );
    const sidecars: Supervised[] = [];
    // second replicas after the first ones have loaded their components: two daprd creating the state store's
    // tables at once race in Postgres ("type dapr_metadata already exists") and the loser exits
    for (const wave of [1, 2]) {
      const apps = ctx.runFile.apps.flatMap((app, index) =>
        (app.replica > 1 ? 2 : 1) === wave ? [{ app, index }] : [],
      );
      const started = apps.map(({ app, index }) => startSidecar(app, index));
      sidecars.push(...started);
      await Promise.all(apps.map(({ app }, i) => outbound(app, started[i] as Supervised)));
    }
    // each is restarted after a crash from now on; the sidecars once their apps are ready too (main.ts)
    sentry.restart = true;
    scheduler.restart = true;
    return { kafka, sentry, scheduler, sidecars };
  } catch (error) {
    // nothing left behind holding the ports when the start fails
    for (const proc of started.reverse()) await proc.stop();
    await kafka.stop();
    throw error;
  }
}
