// What the broker has yet to deliver, asked of whichever broker the system runs: the stand-in's pending deliveries,
// or, on real daprd, the lag of every Kafka consumer group on every topic (Kafka's own consumer-groups tool).
import { APP_IDS } from '@todo/contracts';
import type { LocalSystem } from '@todo/testkit';
import pg from 'pg';
import { runKafkaTool } from '../tools/kafka/tool';

/** resources/kafka-pubsub.yaml makes each app id its own consumer group: the apps that subscribe. */
const SUBSCRIBER_GROUPS: string[] = [APP_IDS.notificationService, APP_IDS.recurringTaskService];

export interface Lag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** Messages not yet delivered (and acknowledged) to a subscriber; throws when the broker cannot be asked. */
export async function brokerBacklog(system: LocalSystem): Promise<number> {
  if (system.sidecarKind === 'daprd') {
    const lags = await consumerLag(system.kafkaBootstrap);
    // a group the tool did not list (rebalancing, or not joined yet) is not caught up: its lag is unknown
    const unlisted = SUBSCRIBER_GROUPS.filter((g) => !lags.some((l) => l.group === g));
    if (unlisted.length) throw new Error(`consumer group(s) ${unlisted.join(', ')} not listed`);
    return lags.reduce((sum, l) => sum + l.lag, 0);
  }
  const db = new pg.Client({ connectionString: system.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query("select count(*)::int as n from dapr_standin.deliveries where status = 'pending'");
    return rows[0].n as number;
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** `kafka-consumer-groups --describe --all-groups`: the lag of each group on each partition it consumes. */
export async function consumerLag(bootstrap: string): Promise<Lag[]> {
  const out = await runKafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', [
    '--bootstrap-server',
    bootstrap,
    '--describe',
    '--all-groups',
    '--timeout',
    '10000',
  ]);
  return parseLag(out);
}

/**
 * The tool's table (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...), one header per group. A partition
 * the group has not committed on yet shows '-': all of its messages are still to deliver.
 */
export function parseLag(table: string): Lag[] {
  const lags: Lag[] = [];
  for (const line of table.split('\n')) {
    const [group, topic, partition, current, end, lag] = line.trim().split(/\s+/);
    if (!group || !topic || !partition || group === 'GROUP' || !/^\d+$/.test(partition)) continue;
    const logEnd = Number(end);
    const value = /^\d+$/.test(lag ?? '') ? Number(lag) : current === '-' && Number.isFinite(logEnd) ? logEnd : 0;
    lags.push({ group, topic, partition: Number(partition), lag: value });
  }
  return lags;
}
