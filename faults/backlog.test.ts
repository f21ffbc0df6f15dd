// The lag read from Kafka's consumer-groups table: a partition not committed on yet counts all of its messages.
import { parseLag } from './backlog';

const TABLE = `
GROUP                TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
notification-service reminders       1          -               0               -               sarama-3591     /127.0.0.1      sarama
notification-service reminders       4          -               3               -               sarama-3591     /127.0.0.1      sarama
notification-service task-events     3          43              44              1               sarama-3591     /127.0.0.1      sarama

GROUP                  TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
recurring-task-service task-events     2          22              22              0               -               -               -
`;

it('sums the lag of every group on every partition, counting uncommitted partitions whole', () => {
  const lags = parseLag(TABLE);
  expect(lags).toHaveLength(4);
  expect(lags.reduce((sum, l) => sum + l.lag, 0)).toBe(4);
  expect(lags.find((l) => l.group === 'recurring-task-service')).toMatchObject({ topic: 'task-events', lag: 0 });
});
