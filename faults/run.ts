// `npm run faults`: the whole system (npm start processes) on a Postgres server of its own. A stream of task changes
// runs while every service is killed with -9 in turn, the stand-in sidecar is killed (with TODO_SIDECAR=daprd: each
// daprd, the Dapr scheduler and the Kafka broker) and Postgres crashes; then every
// user-visible effect is counted (0 lost, 0 doubled), access is probed (0 leaks), and fuzzed requests are sent
// (0 answers of 5xx, every 4xx with a reason). Prints figures; exits 1 on any failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { APP_IDS, type AppId } from '@todo/contracts';
import { freePortIn, LocalSystem } from '@todo/testkit';
import { checkAccess, subscriptionRoutes } from './access';
import { Client } from './client';
import { fuzz } from './fuzz';
import { faultPlan, injectFaults } from './injector';
import { PrivatePostgres } from './postgres';
import { verify, waitUntilQuiet } from './verify';
import { Workload } from './workload';

const CHANGES = Number(process.env.FAULTS_CHANGES ?? 500);
const CHANGES_PER_SECOND = Number(process.env.FAULTS_RATE ?? 6);
const FUZZ_RUNS = Number(process.env.FAULTS_FUZZ_RUNS ?? 1_000);
const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 2 ** 31);
/** Two replicas of the apps that scale out: invocations and the messages of their consumer group are shared. */
const REPLICAS = { [APP_IDS.backend]: 2, [APP_IDS.notificationService]: 2 };

const ROOT = join(__dirname, '..');
const log = (line = '') => process.stdout.write(`${line}\n`);

/** A small seeded generator (mulberry32), so a failing run can be repeated with FAULTS_SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<boolean> {
  const started = Date.now();
  log(`faults: seed ${SEED} (FAULTS_SEED=${SEED} repeats this run), ${CHANGES} changes at ${CHANGES_PER_SECOND}/s`);
  // below Linux's ephemeral ports: nothing outgoing takes it while Postgres is down between a crash and its restart
  const pgPort = process.env.FAULTS_PG_PORT ? Number(process.env.FAULTS_PG_PORT) : await freePortIn(5400, 5999);
  const postgres = new PrivatePostgres(pgPort);
  postgres.init();
  postgres.start();
  const system = new LocalSystem({
    logLevel: process.env.FAULTS_LOG_LEVEL ?? 'warn',
    adminUrl: postgres.adminUrl,
    replicas: REPLICAS,
  });
  let ok = false;
  try {
    await system.start();
    log(
      `system up (${system.sidecarKind === 'daprd' ? 'real daprd + Kafka' : 'stand-in sidecar'}) on Postgres at 127.0.0.1:${pgPort} (${postgres.dir}), ports offset by ${system.portOffset}`,
    );
    const frontend = new Client(`http://127.0.0.1:${system.appPort(APP_IDS.frontend)}`);
    const users: Client[] = [];
    for (const name of ['ada', 'grace', 'linus']) {
      const { answer } = await frontend.retrying('POST', '/api/auth/sign-up', {
        email: `${name}@faults.example`,
        password: 'a long enough password',
        timezone: 'Europe/Berlin',
      });
      if (answer.status !== 201) throw new Error(`sign-up failed: ${answer.status} ${answer.text}`);
      users.push(frontend.as(answer.json.token));
    }

    // 1. the stream, with the faults injected as it goes
    const workload = new Workload(users, CHANGES_PER_SECOND);
    workload.plan(CHANGES, seeded(SEED));
    const plan = faultPlan(system, postgres);
    const every = Math.floor(CHANGES / (plan.length + 1));
    log(`\nstream of ${CHANGES} changes through the frontend; a fault every ${every} changes:`);
    const streamStarted = Date.now();
    const [faults] = await Promise.all([
      injectFaults(plan, system, () => workload.stats.changes, every, log),
      workload.run(6),
    ]);
    const streamMs = Date.now() - streamStarted;
    const reminders = workload.tasks.filter((t) => t.remindAt).map((t) => Date.parse(t.remindAt as string));
    const quietMs = await waitUntilQuiet(system, Math.max(...reminders));
    log(
      `stream done in ${(streamMs / 1000).toFixed(0)} s (${workload.stats.undecidedAttempts} attempts got no decision and were retried; statuses seen ${JSON.stringify(workload.stats.statusesSeen)}); quiet ${(quietMs / 1000).toFixed(0)} s later`,
    );

    // 2. every effect, counted against its source of truth
    const checks = await verify(system, workload.tasks, users);
    log('\n| effect | expected | found | missing | extra | doubled | note |\n|---|---|---|---|---|---|---|');
    for (const c of checks) {
      log(
        `| ${c.name} | ${c.expected} | ${c.found} | ${c.missing} | ${c.extra} | ${c.duplicated} | ${c.notes ?? ''} |`,
      );
    }
    const lostOrDoubled = checks.reduce((n, c) => n + c.missing + c.extra + c.duplicated, 0);

    // 3. who can see and change what
    const victimClient = users[0] as Client;
    const victimTasks = workload.tasks.filter((t) => t.user === 0 && t.id && !t.deleted);
    const notes = await victimClient.once('GET', '/api/notifications');
    const chat = await victimClient.once('POST', '/api/chat', {
      message: 'remind me to water the plants tomorrow at 9',
    });
    const victim = {
      taskIds: victimTasks.map((t) => t.id as string),
      titles: victimTasks.map((t) => t.title),
      notificationIds: (notes.json.items as { id: string }[]).map((n) => n.id),
      conversationId: chat.json.conversation_id as string,
    };
    if (!victim.notificationIds.length) victim.notificationIds.push('00000000-0000-0000-0000-000000000000');
    const snapshot = async () => (await victimClient.once('GET', '/api/tasks?limit=100&sort=created')).text;
    const before = await snapshot();
    const access = await checkAccess(system, frontend, victim, users[1] as Client);
    const untouched = (await snapshot()) === before;
    log('\n| access probe | calls | wrong answers | leaks |\n|---|---|---|---|');
    for (const a of access) log(`| ${a.name} | ${a.calls} | ${a.wrong} | ${a.leaks} |`);
    log(`the first user's tasks after the probes: ${untouched ? 'unchanged' : 'CHANGED'}`);
    const accessBad = access.reduce((n, a) => n + a.wrong + a.leaks, 0) + (untouched ? 0 : 1);
    for (const a of access) for (const e of a.examples) log(`  ! ${a.name}: ${e}`);

    // 4. fuzzed requests
    const fuzzed = await fuzz(
      system,
      { own: users[2]?.token as string, other: victimClient.token as string },
      {
        ownTask: workload.tasks.find((t) => t.user === 2 && t.id && !t.deleted)?.id as string,
        otherTask: victim.taskIds[0] as string,
        notification: victim.notificationIds[0] as string,
        conversation: victim.conversationId,
      },
      await subscriptionRoutes(system),
      FUZZ_RUNS,
      SEED,
    );
    log(
      `\nfuzz: ${fuzzed.requests} requests over ${fuzzed.endpoints} method + app + route pairs, ${fuzzed.serverErrors} answered 5xx, ${fuzzed.withoutReason} 4xx without a reason; statuses ${JSON.stringify(fuzzed.byStatus)}`,
    );
    for (const e of fuzzed.examples) log(`  ! ${e}`);

    // each replica did a share of the work: requests served (backend) and messages handled (notification-service)
    const shares = await Promise.all(
      system.apps
        .filter((a) => a.appId in REPLICAS)
        .map(async (a) => {
          const id = a.appId as AppId;
          const requests = await system.metricTotal(id, 'todo_http_requests_total', a.replica);
          const messages = await system.metricTotal(id, 'todo_pubsub_messages_total', a.replica);
          return { name: a.name, requests, messages, share: id === APP_IDS.backend ? requests : messages };
        }),
    );
    if (shares.length) {
      log('\n| replica | HTTP requests since its last start | messages handled since its last start |\n|---|---|---|');
      for (const s of shares) log(`| ${s.name} | ${s.requests} | ${s.messages} |`);
    }
    const idle = shares.filter((s) => s.share === 0);
    for (const s of idle) log(`  ! ${s.name} did none of the work`);

    log(`\n| fault | at change | all apps ready again after |\n|---|---|---|`);
    for (const f of faults) log(`| ${f.fault} | ${f.atChange} | ${(f.recoveredMs / 1000).toFixed(1)} s |`);
    // a process may go down only when the suite killed it: any other crash (restarted or not) is a failure
    const crashes = system.output().match(/^local +\| .+ crashed \(.+\)/gm) ?? [];
    const unexpected = crashes.filter((line) => !line.includes('killed by SIGKILL'));
    log(`\nprocess crashes: ${crashes.length}, of them not caused by the suite's kill -9: ${unexpected.length}`);
    for (const line of unexpected) log(`  ! ${line}`);
    ok =
      lostOrDoubled === 0 &&
      accessBad === 0 &&
      fuzzed.serverErrors === 0 &&
      fuzzed.withoutReason === 0 &&
      unexpected.length === 0 &&
      idle.length === 0 &&
      crashes.length === plan.length - 1;
    log(
      `\nfaults: ${ok ? 'PASSED' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s on ${cpus().length} cores: ${lostOrDoubled} effects lost, extra or doubled, ${accessBad} access failures, ${fuzzed.serverErrors + fuzzed.withoutReason} fuzz failures, ${unexpected.length} unexpected crashes (seed ${SEED})`,
    );
    if (!ok) log(`\nlast lines of the system's output:\n${system.output().split('\n').slice(-80).join('\n')}`);
  } catch (error) {
    log(`faults: FAILED with an error: ${error instanceof Error ? error.stack : String(error)}`);
    log(`\nlast lines of the system's output:\n${system.output().split('\n').slice(-120).join('\n')}`);
  } finally {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(ROOT, 'test-results', 'faults-system.log'), system.output());
    log("the system's whole output: test-results/faults-system.log");
    await system.stop().catch((error) => log(`stopping the system: ${error}`));
    postgres.destroy();
  }
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
