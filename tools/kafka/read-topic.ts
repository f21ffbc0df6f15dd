// Every message on a topic from the beginning, read with Kafka's own console consumer (tests look at dead letters).
import { spawn } from 'node:child_process';
import { TOOL_OPTS } from './broker';
import { KAFKA_LIB } from './fetch';

/** The values on `topic`, oldest first; stops after `idleMs` without a new message. */
export function readTopic(bootstrap: string, topic: string, idleMs = 3_000): Promise<string[]> {
  const args = [
    ...TOOL_OPTS,
    '-cp',
    `${KAFKA_LIB}/*`,
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--from-beginning',
    `--timeout-ms=${idleMs}`,
    // its own group, never committed: reading leaves no trace on the broker
    '--consumer-property=enable.auto.commit=false',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('error', reject);
    // the console consumer exits 0 when the idle timeout ends the read
    child.once('exit', (code) =>
      code === 0
        ? resolve(out.split('\n').filter((line) => line.trim() !== ''))
        : reject(new Error(`reading ${topic} failed (exit ${code}): ${err.slice(-2000)}`)),
    );
  });
}
