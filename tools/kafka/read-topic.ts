// Every message on a topic from the beginning, read with Kafka's own console consumer (tests look at dead letters).
import { runKafkaTool } from './tool';

/** The values on `topic`, oldest first; stops after `idleMs` without a new message. */
export async function readTopic(bootstrap: string, topic: string, idleMs = 3_000): Promise<string[]> {
  // the console consumer exits 0 when the idle timeout ends the read; its own group, never committed: no trace left
  const out = await runKafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--from-beginning',
    `--timeout-ms=${idleMs}`,
    '--consumer-property=enable.auto.commit=false',
  ]);
  return out.split('\n').filter((line) => line.trim() !== '');
}
