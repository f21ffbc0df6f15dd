// The Dapr Components and Resiliency the Pulumi program emits, loaded into real daprd against a local Kafka broker and
// Postgres: what the mocks cannot show (a metadata value daprd rejects, a component waiting for its secret store).
// Changed for the run: the secret store (secretstores.local.file of the same name, holding the Secrets the program
// emits, DATABASE_URL pointed at a fresh test database), the broker address, and for SASL the local broker's CA.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_IDS, COMPONENTS, NAMESPACE, SECRET, TOPICS } from '@todo/contracts';
import { freshDatabase } from '@todo/testkit';
import { parse, stringify } from 'yaml';
import { DAPR_MODULE_DIR, daprdPath } from '../../tools/dapr/paths';
import { kafkaMissing } from '../../tools/kafka/availability';
import { type KafkaBroker, SYSTEM_TOPICS, startKafka } from '../../tools/kafka/broker';
import { KAFKA_SASL_MECHANISM } from '../platform/dapr-resources';
import { type Daprd, freePort, startDaprd } from './daprd.test-helper';
import { runStack, type StackRun } from './run-stack.test-helper';

const COMPONENT = 'kubernetes:dapr.io/v1alpha1:Component';
const RESILIENCY = 'kubernetes:dapr.io/v1alpha1:Resiliency';
const K8S_SECRET = 'kubernetes:core/v1:Secret';
const NEON = 'postgresql://user:neon-password@ep-x.eu-central-1.aws.neon.tech/todo?sslmode=require';
/** The Redpanda Cloud user: the broker creates it, the stack config names it. */
const REDPANDA_USER = { name: 'todo', password: 'redpanda-secret-1' };

function missing(): string | undefined {
  if (!existsSync(daprdPath())) return `no daprd at ${daprdPath()}: run \`npm run dapr:build\` (needs Go)`;
  return kafkaMissing({ tls: true });
}

const why = missing();
if (why) console.warn(`infra/test/components-on-daprd.test.ts skipped: ${why}`);
const describeIfDaprd = why ? describe.skip : describe;

type Metadata = { name: string; value?: string; secretKeyRef?: { name: string; key: string } };
const CONTRIB_VERSION = /github\.com\/dapr\/components-contrib\s+(v\S+)/.exec(
  readFileSync(join(DAPR_MODULE_DIR, 'go.mod'), 'utf8'),
)?.[1];
const CONTRIB_DIR = join(
  process.env.GOMODCACHE ?? join(process.env.GOPATH ?? join(homedir(), 'go'), 'pkg', 'mod'),
  'github.com',
  'dapr',
  `components-contrib@${CONTRIB_VERSION}`,
);
const itIfContrib = existsSync(CONTRIB_DIR) ? it : it.skip;
if (!why && !existsSync(CONTRIB_DIR))
  console.warn(`contrib metadata check skipped: no ${CONTRIB_DIR} (npm run dapr:build)`);

/** A component's metadata fields (lower-cased, as daprd matches them) and their allowed values, from its metadata.yaml. */
function contribMetadata(type: string, version: string): Map<string, string[]> {
  const dir = join(CONTRIB_DIR, ...type.split('.'));
  const file = [join(dir, version, 'metadata.yaml'), join(dir, 'metadata.yaml')].find((f) => existsSync(f));
  if (!file) throw new Error(`contrib has no metadata.yaml for ${type}/${version} under ${dir}`);
  type Field = { name: string; allowedValues?: string[] };
  const doc = parse(readFileSync(file, 'utf8')) as {
    metadata?: Field[];
    authenticationProfiles?: { metadata: Field[] }[];
  };
  const fields = new Map<string, string[]>();
  for (const f of [...(doc.metadata ?? []), ...(doc.authenticationProfiles ?? []).flatMap((p) => p.metadata)]) {
    // a field in several profiles (authType) takes the values of all of them
    const key = f.name.toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), ...(f.allowedValues ?? [])]);
  }
  return fields;
}

interface Variant {
  title: string;
  sasl: boolean;
  run?: StackRun;
}

const VARIANTS: Variant[] = [
  { title: 'in-cluster Kafka (stack local)', sasl: false },
  { title: 'Redpanda Cloud: SASL SCRAM over TLS (stack gke, external Kafka)', sasl: true },
];

/** The emitted resources as daprd reads them from disk, with only the local stand-ins swapped in. */
function writeResources(dir: string, variant: Variant, broker: KafkaBroker, databaseUrl: string): string {
  const resources = join(dir, 'resources');
  mkdirSync(resources, { recursive: true });
  // what the kubernetes store would read: every Secret of the namespace, by name then key
  const secrets = Object.fromEntries(
    (variant.run as StackRun)
      .of(K8S_SECRET)
      .filter((s) => s.inputs.metadata.namespace === NAMESPACE)
      .map((s) => [s.inputs.metadata.name, { ...s.inputs.stringData }]),
  );
  secrets[SECRET.name][SECRET.keys.databaseUrl] = databaseUrl;
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify(secrets, null, 2));
  for (const c of (variant.run as StackRun).of(COMPONENT)) {
    const doc = structuredClone(c.inputs);
    if (doc.spec.type === 'secretstores.kubernetes') {
      doc.spec = {
        type: 'secretstores.local.file',
        version: 'v1',
        metadata: [
          { name: 'secretsFile', value: secretsFile },
          { name: 'multiValued', value: 'true' },
        ],
      };
    }
    if (doc.spec.type === 'pubsub.kafka') {
      const brokers = variant.sasl ? broker.saslBootstrap : broker.bootstrap;
      doc.spec.metadata = (doc.spec.metadata as Metadata[]).map((m) =>
        m.name === 'brokers' ? { name: 'brokers', value: brokers } : m,
      );
      // Redpanda Cloud's certificates chain to a public CA (the system pool); the local broker's CA is its own
      if (variant.sasl)
        doc.spec.metadata.push({ name: 'caCert', value: readFileSync(broker.caPemPath as string, 'utf8') });
    }
    writeFileSync(join(resources, `${c.name}.yaml`), stringify(doc));
  }
  for (const r of (variant.run as StackRun).of(RESILIENCY)) {
    writeFileSync(join(resources, `${r.name}.yaml`), stringify(r.inputs));
  }
  return resources;
}

/** recurring-task-service's part: subscribe to task-events, record each delivery. */
function subscriber(deliveries: { data: { marker?: string } }[]): Server {
  return createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/dapr/subscribe') {
      return reply(200, [{ pubsubname: COMPONENTS.pubsub, topic: TOPICS.taskEvents, route: '/task-events' }]);
    }
    if (req.method === 'POST' && req.url === '/task-events') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        deliveries.push(JSON.parse(body));
        reply(200, { status: 'SUCCESS' });
      });
      return;
    }
    reply(404, {});
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describeIfDaprd('the Dapr resources the program emits, on real daprd 1.18', () => {
  let broker: KafkaBroker;
  let kafkaDir: string;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let starting: Promise<KafkaBroker> | undefined;

  beforeAll(async () => {
    const started = Date.now();
    // the broker plays Redpanda Cloud, with a SCRAM user of the mechanism the program asks for (contrib's SHA-256 is
    // Kafka's SCRAM-SHA-256); it starts while the mocks render the two stacks
    kafkaDir = mkdtempSync(join(tmpdir(), 'infra-daprd-kafka-'));
    starting = (async () =>
      startKafka({
        port: await freePort(),
        controllerPort: await freePort(),
        dataDir: kafkaDir,
        topics: SYSTEM_TOPICS,
        sasl: { port: await freePort(), users: [REDPANDA_USER], mechanism: `SCRAM-${KAFKA_SASL_MECHANISM}` },
      }))();
    starting.catch(() => undefined);
    const cluster = await runStack('local');
    const redpanda = await runStack(
      'gke',
      {
        'todo-chatbot:kafka': 'external',
        'todo-chatbot:kafkaBrokers': 'seed-0.redpanda.example:9092',
        'todo-chatbot:kafkaUsername': REDPANDA_USER.name,
      },
      { 'todo-chatbot:databaseUrl': NEON, 'todo-chatbot:kafkaPassword': REDPANDA_USER.password },
    );
    [VARIANTS[0]!.run, VARIANTS[1]!.run] = [cluster, redpanda];
    const rendered = Date.now() - started;
    [broker, db] = await Promise.all([starting, freshDatabase()]);
    console.info(
      `[components-on-daprd] two stacks rendered in ${rendered} ms, Kafka (SASL_SSL) up after ${Date.now() - started} ms`,
    );
  }, 90_000);

  afterAll(async () => {
    await (await starting?.catch(() => undefined))?.stop();
    await db?.drop();
    if (kafkaDir) rmSync(kafkaDir, { recursive: true, force: true });
  }, 60_000);

  itIfContrib(
    `names only metadata that contrib ${CONTRIB_VERSION} declares for each component, with allowed values`,
    () => {
      for (const variant of VARIANTS) {
        for (const c of (variant.run as StackRun).of(COMPONENT)) {
          const declared = contribMetadata(c.inputs.spec.type, c.inputs.spec.version);
          for (const m of c.inputs.spec.metadata as Metadata[]) {
            const field = `${variant.title}: ${c.name}.${m.name}`;
            const allowed = declared.get(m.name.toLowerCase());
            if (allowed === undefined) throw new Error(`${field}: not a metadata field of ${c.inputs.spec.type}`);
            if (allowed.length && m.value !== undefined && !allowed.includes(m.value)) {
              throw new Error(`${field}: ${m.value} is not one of ${allowed.join(', ')}`);
            }
          }
        }
      }
    },
  );

  // one after the other: both use the same broker, and each app id is its own consumer group
  describe.each(VARIANTS)('$title', (variant) => {
    const daprd: { backend?: Daprd; recurring?: Daprd } = {};
    const deliveries: { data: { marker?: string } }[] = [];
    const app = subscriber(deliveries);
    let dir: string;

    beforeAll(async () => {
      const started = Date.now();
      dir = mkdtempSync(join(tmpdir(), 'infra-daprd-resources-'));
      const resourcesPath = writeResources(dir, variant, broker, db.url);
      const appPort = await freePort();
      await new Promise<void>((resolve) => app.listen(appPort, '127.0.0.1', resolve));
      // as in the cluster: the components are in the namespace the sidecar runs in
      const env = { NAMESPACE };
      const results = await Promise.allSettled([
        startDaprd({ appId: APP_IDS.backend, resourcesPath, env }),
        startDaprd({ appId: APP_IDS.recurringTaskService, resourcesPath, appPort, env }),
      ]);
      [daprd.backend, daprd.recurring] = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) throw failed.reason;
      console.info(`[components-on-daprd] ${variant.title}: both sidecars healthy in ${Date.now() - started} ms`);
    }, 45_000);

    afterAll(async () => {
      await Promise.all(Object.values(daprd).map((d) => d?.stop()));
      await new Promise((resolve) => app.close(resolve));
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    it('initialises every emitted component in each sidecar it is scoped to, and loads the Resiliency', async () => {
      for (const sidecar of [daprd.backend, daprd.recurring] as Daprd[]) {
        const expected = (variant.run as StackRun)
          .of(COMPONENT)
          .filter((c) => (c.inputs.scopes as string[]).includes(sidecar.appId))
          .map((c) => c.name)
          .sort();
        expect(expected.length).toBeGreaterThan(0);
        const metadata = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as {
          components?: { name: string }[];
        };
        const loaded = (metadata.components ?? []).map((c) => c.name).sort();
        if (JSON.stringify(loaded) !== JSON.stringify(expected)) {
          console.error(`${variant.title}, ${sidecar.appId}:\n${sidecar.log.slice(-30).join('\n')}`);
        }
        expect({ appId: sidecar.appId, loaded }).toEqual({ appId: sidecar.appId, loaded: expected });
        expect(sidecar.log.join('\n')).toContain('Loading Resiliency configuration:');
        expect(sidecar.exitCode).toBeNull();
      }
    });

    it('saves and reads conversation state in Postgres through the statestore', async () => {
      const backend = daprd.backend as Daprd;
      const key = `conversation-${randomUUID()}`;
      const saved = await fetch(`${backend.url}/v1.0/state/${COMPONENTS.stateStore}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ key, value: { messages: ['hello'] } }]),
      });
      expect(saved.status).toBe(204);
      const read = await fetch(`${backend.url}/v1.0/state/${COMPONENTS.stateStore}/${key}`);
      expect(await read.json()).toEqual({ messages: ['hello'] });
    });

    it('delivers a task event published by backend to recurring-task-service through the broker', async () => {
      const marker = randomUUID();
      const published = await fetch(
        `${(daprd.backend as Daprd).url}/v1.0/publish/${COMPONENTS.pubsub}/${TOPICS.taskEvents}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ marker }),
        },
      );
      expect(published.status).toBe(204);
      const delivery = await until(`task event ${marker} at recurring-task-service`, () =>
        deliveries.find((d) => d.data?.marker === marker),
      );
      expect(delivery.data).toEqual({ marker });
      expect((daprd.recurring as Daprd).exitCode).toBeNull();
    }, 30_000);
  });
});
