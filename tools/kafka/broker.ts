// A single-node KRaft Kafka broker (broker and controller in one JVM) from the jars tools/kafka/fetch.ts puts in
// .dapr-bin/kafka/lib, for local runs and tests of real daprd's pubsub.kafka. Listens on 127.0.0.1 only.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';
import { deadLetterTopic, TOPICS, type Topic } from '@todo/contracts';
import { dieWithParent } from '../die-with-parent';
import { KAFKA_LIB } from './fetch';

export type ScramMechanism = 'SCRAM-SHA-512' | 'SCRAM-SHA-256';

export interface SaslOptions {
  /** Port of the SASL_SSL listener (the PLAINTEXT one on `port` stays, for tools and inter-broker traffic). */
  port: number;
  /** Created when the data dir is formatted; a reused data dir keeps the users it was formatted with. */
  users: { name: string; password: string }[];
  mechanism?: ScramMechanism;
}

export interface KafkaOptions {
  port: number;
  controllerPort: number;
  dataDir: string;
  /** Created (if missing) before startKafka resolves: a name takes `partitions`, or give its own count. */
  topics: (string | { name: string; partitions: number })[];
  partitions?: number;
  log?: (line: string) => void;
  sasl?: SaslOptions;
  libDir?: string;
  /** Milliseconds from spawn to topics ready before startKafka gives up (default 90 s). */
  timeoutMs?: number;
  /** Called when a started broker's JVM exits on its own (a crash or a kill), not when stop() or restart() ends it. */
  onExit?: (how: string) => void;
}

export interface KafkaBroker {
  /** PLAINTEXT `127.0.0.1:<port>`. */
  readonly bootstrap: string;
  /** SASL_SSL `127.0.0.1:<sasl.port>` when `sasl` was given. */
  readonly saslBootstrap?: string;
  /** PEM of the CA that signed the SASL_SSL listener's certificate, for clients to trust. */
  readonly caPemPath?: string;
  readonly pid: number;
  /** SIGTERM (a clean shutdown) and wait for the exit; SIGKILL after 30 s. */
  stop(): Promise<void>;
  /** SIGKILL, at once: the crash of a fault test. */
  kill(): void;
  /** Stop (or wait for the killed JVM to go), then start again on the same data dir and ports. */
  restart(): Promise<void>;
}

/** Every topic the system uses, as the Strimzi cluster declares them: 6 partitions, 1 for dead letters. */
export const SYSTEM_TOPICS: { name: string; partitions: number }[] = (Object.values(TOPICS) as Topic[]).flatMap((t) => [
  { name: t, partitions: 6 },
  { name: deadLetterTopic(t), partitions: 1 },
]);

const JVM_OPTS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:MaxInlineLevel=15', '-Djava.awt.headless=true'];
const LOG4J2 = `-Dlog4j2.configurationFile=${join(__dirname, 'log4j2.properties')}`;
/** Short-lived tool JVMs: C1 only starts faster and they never run long enough to need C2. Logs WARN+ to stderr. */
export const TOOL_OPTS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', LOG4J2];
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const classpath = (lib: string): string => `${lib}/*`;

function serverProperties(o: KafkaOptions, controllerPort: number, logDir: string, tls?: Tls): string {
  const listeners = [`PLAINTEXT://127.0.0.1:${o.port}`, `CONTROLLER://127.0.0.1:${controllerPort}`];
  const advertised = [`PLAINTEXT://127.0.0.1:${o.port}`];
  const protocols = ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    `num.partitions=${o.partitions ?? 4}`,
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // a broker killed by a fault test registers again only once its old session expires (9 s by default)
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=2500',
    'auto.create.topics.enable=true',
    // a test broker: small segments, kept an hour or 64 MiB a partition, checked every minute
    'log.retention.ms=3600000',
    'log.retention.bytes=67108864',
    'log.segment.bytes=16777216',
    'log.retention.check.interval.ms=60000',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
  ];
  if (o.sasl && tls) {
    const mechanism = o.sasl.mechanism ?? 'SCRAM-SHA-512';
    const prefix = `listener.name.sasl_ssl.${mechanism.toLowerCase()}`;
    listeners.push(`SASL_SSL://127.0.0.1:${o.sasl.port}`);
    advertised.push(`SASL_SSL://127.0.0.1:${o.sasl.port}`);
    protocols.push('SASL_SSL:SASL_SSL');
    lines.push(
      `sasl.enabled.mechanisms=${mechanism}`,
      `${prefix}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
      'listener.name.sasl_ssl.ssl.keystore.type=PKCS12',
      `listener.name.sasl_ssl.ssl.keystore.location=${tls.keystore}`,
      `listener.name.sasl_ssl.ssl.keystore.password=${tls.password}`,
      `listener.name.sasl_ssl.ssl.key.password=${tls.password}`,
    );
  }
  lines.push(
    `listeners=${listeners.join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    `listener.security.protocol.map=${protocols.join(',')}`,
  );
  return `${lines.join('\n')}\n`;
}

interface Tls {
  keystore: string;
  password: string;
  caPem: string;
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it, made once per data dir with openssl. */
function ensureTls(dir: string): Tls {
  const tls: Tls = { keystore: join(dir, 'server.p12'), password: 'local-kafka', caPem: join(dir, 'ca.pem') };
  if (existsSync(tls.keystore)) return tls;
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650'],
    ...['-subj', '/CN=local Kafka CA', '-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key'],
    ...['-out', 'server.csr', '-subj', '/CN=localhost'],
  );
  openssl(
    ...['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
    ...['-out', 'server.pem', '-days', '3650', '-extfile', 'server.ext'],
  );
  openssl(
    ...['pkcs12', '-export', '-in', 'server.pem', '-inkey', 'server.key', '-certfile', 'ca.pem'],
    ...['-name', 'kafka', '-out', 'server.p12', '-passout', `pass:${tls.password}`],
  );
  return tls;
}

const SAFE = /^[A-Za-z0-9._-]+$/;

function format(lib: string, config: string, sasl: SaslOptions | undefined): void {
  // as Kafka's Uuid.randomUuid: an id that starts with '-' would read as an option
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const scram = (sasl?.users ?? []).flatMap((u) => {
    if (!SAFE.test(u.name) || !SAFE.test(u.password)) {
      throw new Error(`SCRAM user ${u.name}: names and passwords may only use letters, digits, '.', '_' and '-'`);
    }
    return ['--add-scram', `${sasl?.mechanism ?? 'SCRAM-SHA-512'}=[name=${u.name},password=${u.password}]`];
  });
  const args = [...TOOL_OPTS, '-cp', classpath(lib), 'kafka.tools.StorageTool', 'format'];
  const formatted = spawnSync('java', [...args, `--cluster-id=${clusterId}`, `--config=${config}`, ...scram], {
    encoding: 'utf8',
  });
  if (formatted.error || formatted.status !== 0) {
    const output = `${formatted.stdout ?? ''}${formatted.stderr ?? ''}`.trim();
    throw new Error(
      `kafka-storage format failed (${formatted.error?.message ?? `exit ${formatted.status}`}):\n${output}`,
    );
  }
}

async function waitForPort(port: number, child: ChildProcess, until: number): Promise<void> {
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('the broker exited while starting');
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** EnsureTopics.java compiled once beside the jars (a source launch would compile it again at every start). */
function helperClasses(lib: string): string {
  const source = join(__dirname, 'EnsureTopics.java');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(lib, '..', 'classes', hash);
  if (existsSync(join(dir, 'EnsureTopics.class'))) return dir;
  // compiled aside and renamed into place, so two test files starting brokers at once never see half a class
  mkdirSync(join(lib, '..', 'classes'), { recursive: true });
  const staging = mkdtempSync(`${dir}-`);
  try {
    execFileSync('javac', ['-nowarn', '-d', staging, '-cp', classpath(lib), source], { stdio: 'pipe' });
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, 'EnsureTopics.class'))) throw err;
  }
  return dir;
}

/** Creates the topics that are missing and waits until every partition has a leader. */
export function ensureTopics(
  bootstrap: string,
  topics: KafkaOptions['topics'],
  partitions = 4,
  timeoutMs = 60_000,
  lib = KAFKA_LIB,
): Promise<void> {
  const specs = topics.map((t) => (typeof t === 'string' ? `${t}:${partitions}` : `${t.name}:${t.partitions}`));
  const cp = `${helperClasses(lib)}${delimiter}${classpath(lib)}`;
  const args = [...TOOL_OPTS, '-cp', cp, 'EnsureTopics', bootstrap, String(timeoutMs), ...specs];
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`creating topics failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}

export async function startKafka(options: KafkaOptions): Promise<KafkaBroker> {
  const lib = options.libDir ?? KAFKA_LIB;
  if (!existsSync(lib) || !readdirSync(lib).some((f) => f.startsWith('kafka_2.13-'))) {
    throw new Error(`no Kafka jars in ${lib}: run \`node --import tsx tools/kafka/fetch.ts\` first`);
  }
  const { controllerPort } = options;
  const logDir = join(options.dataDir, 'logs');
  const config = join(options.dataDir, 'server.properties');
  mkdirSync(options.dataDir, { recursive: true });
  const tls = options.sasl ? ensureTls(join(options.dataDir, 'tls')) : undefined;
  writeFileSync(config, serverProperties(options, controllerPort, logDir, tls));
  if (!existsSync(join(logDir, 'meta.properties'))) {
    const started = Date.now();
    format(lib, config, options.sasl);
    options.log?.(`[startKafka] formatted ${logDir} in ${Date.now() - started} ms`);
  }

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  /** Ready once, and not being stopped by us: an exit now is a crash. */
  let ready = false;
  let stopping = false;
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 50) tail.shift();
    options.log?.(line);
  };

  const launch = async () => {
    const timeoutMs = options.timeoutMs ?? 90_000;
    const until = Date.now() + timeoutMs;
    // the broker dies with whoever started it (the runner, a test), as the apps and sidecars do
    const [bin, ...args] = dieWithParent(['java', ...JVM_OPTS, LOG4J2, '-cp', classpath(lib), 'kafka.Kafka', config]);
    const java = spawn(bin as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = java;
    running.add(java);
    exited = new Promise((resolve) => {
      java.once('exit', (code, signal) => {
        resolve();
        if (ready && !stopping) options.onExit?.(signal ? `killed by ${signal}` : `exit code ${code}`);
      });
      java.once('error', () => resolve());
    });
    void exited.then(() => running.delete(java));
    for (const stream of [java.stdout, java.stderr]) {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (buffer + chunk).split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
    }
    try {
      await new Promise<void>((resolve, reject) => {
        java.once('spawn', resolve);
        java.once('error', (e) => reject(new Error(`cannot run java (${e.message}): install a JDK 17+`)));
      });
      const started = Date.now();
      await waitForPort(options.port, java, until);
      options.log?.(`[startKafka] listening on ${options.port} after ${Date.now() - started} ms`);
      await ensureTopics(`127.0.0.1:${options.port}`, options.topics, options.partitions, until - Date.now(), lib);
      options.log?.(`[startKafka] ${options.topics.length} topics ready after ${Date.now() - started} ms`);
      ready = true;
    } catch (err) {
      java.kill('SIGKILL');
      await exited;
      throw new Error(`Kafka did not start: ${(err as Error).message}\n${tail.join('\n')}`);
    }
  };

  const stop = async () => {
    const java = child;
    if (!java || java.exitCode !== null || java.signalCode !== null) return exited;
    stopping = true;
    java.kill('SIGTERM');
    const timer = setTimeout(() => java.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    stopping = false;
  };

  await launch();
  return {
    bootstrap: `127.0.0.1:${options.port}`,
    saslBootstrap: options.sasl ? `127.0.0.1:${options.sasl.port}` : undefined,
    caPemPath: tls?.caPem,
    get pid() {
      return child?.pid ?? -1;
    },
    stop,
    kill: () => child?.kill('SIGKILL'),
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
