// The local KRaft broker: starts from the Maven Central jars with the system's topics, carries a message with Kafka's
// own console producer and consumer, and comes back with its topics and messages after a SIGKILL.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadLetterTopic, TOPICS } from '@todo/contracts';
import { freePort } from '@todo/testkit';
import { kafkaMissing } from './availability';
import { type KafkaBroker, SYSTEM_TOPICS, startKafka, TOOL_OPTS } from './broker';
import { KAFKA_LIB } from './fetch';

const missing = () => kafkaMissing();

const why = missing();
if (why) console.warn(`tools/kafka/broker.test.ts skipped: ${why}`);
const describeIfKafka = why ? describe.skip : describe;

const tool = (main: string, args: string[], input?: string): string =>
  execFileSync('java', [...TOOL_OPTS, '-cp', `${KAFKA_LIB}/*`, main, ...args], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 30_000,
  });

describeIfKafka('a local KRaft Kafka broker from the Maven Central jars', () => {
  let dataDir: string;
  let broker: KafkaBroker;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-test-'));
    broker = await startKafka({
      ...{ port: await freePort(), controllerPort: await freePort(), dataDir, topics: SYSTEM_TOPICS },
      log: (l) => lines.push(l),
    });
  }, 90_000);

  afterAll(async () => {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const listTopics = () =>
    tool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', broker.bootstrap, '--list']).split('\n');
  const consumeOne = (topic: string) =>
    tool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      ...['--bootstrap-server', broker.bootstrap, '--topic', topic, '--from-beginning'],
      ...['--max-messages', '1', '--timeout-ms', '20000'],
    ]).trim();

  it('has every topic of the system before startKafka resolves, dead-letter topics included', () => {
    expect(listTopics()).toEqual(expect.arrayContaining(SYSTEM_TOPICS.map((t) => t.name)));
    expect(SYSTEM_TOPICS.map((t) => t.name)).toContain(deadLetterTopic(TOPICS.taskEvents));
  }, 30_000);

  it('carries a message from the console producer to the console consumer', () => {
    const message = `hello ${Date.now()}`;
    tool(
      'org.apache.kafka.tools.ConsoleProducer',
      ['--bootstrap-server', broker.bootstrap, '--topic', TOPICS.reminders],
      message,
    );
    expect(consumeOne(TOPICS.reminders)).toBe(message);
  }, 45_000);

  it('comes back after a SIGKILL on the same data dir with its topics and messages', async () => {
    const before = broker.pid;
    broker.kill();
    await broker.restart();
    expect(broker.pid).not.toBe(before);
    expect(listTopics()).toEqual(expect.arrayContaining(SYSTEM_TOPICS.map((t) => t.name)));
    expect(consumeOne(TOPICS.reminders)).toMatch(/^hello \d+$/);
  }, 90_000);
});
