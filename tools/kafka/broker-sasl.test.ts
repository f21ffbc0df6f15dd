// The local broker's SASL_SSL listener: SCRAM users from the options, a certificate its CA PEM lets a client trust.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@todo/testkit';
import { kafkaMissing } from './availability';
import { type KafkaBroker, startKafka, TOOL_OPTS } from './broker';
import { KAFKA_LIB } from './fetch';

const missing = () => kafkaMissing({ tls: true });

const why = missing();
if (why) console.warn(`tools/kafka/broker-sasl.test.ts skipped: ${why}`);
const describeIfKafka = why ? describe.skip : describe;

describeIfKafka('the local broker with a SASL_SSL listener (SCRAM-SHA-512)', () => {
  let dataDir: string;
  let broker: KafkaBroker;
  const user = { name: 'alice', password: 'alice-secret' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-sasl-test-'));
    broker = await startKafka({
      ...{ port: await freePort(), controllerPort: await freePort(), dataDir, topics: ['sasl-probe'] },
      sasl: { port: await freePort(), users: [user], mechanism: 'SCRAM-SHA-512' },
    });
  }, 90_000);

  afterAll(async () => {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const listAs = (password: string) => {
    const config = join(dataDir, `client-${password}.properties`);
    writeFileSync(
      config,
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${user.name}" password="${password}";`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${broker.caPemPath}`,
      ].join('\n'),
    );
    const args = ['--bootstrap-server', broker.saslBootstrap!, '--list', '--command-config', config];
    return spawnSync('java', [...TOOL_OPTS, '-cp', `${KAFKA_LIB}/*`, 'org.apache.kafka.tools.TopicCommand', ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });
  };

  it('lets a SCRAM user in over TLS that trusts only the CA PEM', () => {
    expect(broker.caPemPath).toMatch(/ca\.pem$/);
    const listed = listAs(user.password);
    expect(listed.status).toBe(0);
    expect(listed.stdout.split('\n')).toContain('sasl-probe');
  }, 30_000);

  it('turns a wrong password away', () => {
    const listed = listAs('wrong-password');
    expect(listed.status).not.toBe(0);
    expect(`${listed.stdout}${listed.stderr}`).toMatch(/SaslAuthenticationException|invalid credentials/);
  }, 30_000);

  it('gives the certificate for 127.0.0.1, signed by that CA', () => {
    const chain = execFileSync('openssl', ['verify', '-CAfile', broker.caPemPath!, join(dataDir, 'tls', 'server.pem')]);
    expect(chain.toString()).toMatch(/OK/);
  });
});
