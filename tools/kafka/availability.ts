// Why a Kafka broker cannot be started here, or undefined when it can: tests that need one skip with this reason.
import { spawnSync } from 'node:child_process';
import { KAFKA_LIB, kafkaJarsPresent } from './fetch';

const onPath = (tool: string, flag: string) => {
  const probe = spawnSync(tool, [flag], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
};

/** A JDK (the topic helper is compiled), the jars, and openssl when the broker needs TLS (SASL_SSL). */
export function kafkaMissing(options: { tls?: boolean } = {}): string | undefined {
  for (const tool of ['java', 'javac']) {
    if (!onPath(tool, '-version')) return `\`${tool}\` is not on PATH (a JDK 17+ runs the broker)`;
  }
  if (options.tls && !onPath('openssl', 'version')) return '`openssl` is not on PATH (it makes the broker a CA)';
  if (!kafkaJarsPresent()) return `no Kafka jars in ${KAFKA_LIB}: run \`node --import tsx tools/kafka/fetch.ts\``;
  return undefined;
}
