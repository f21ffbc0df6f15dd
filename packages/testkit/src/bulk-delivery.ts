// What daprd posts to a bulk subscription's route, for tests that play the sidecar.
import { randomUUID } from 'node:crypto';
import { APP_IDS, COMPONENTS } from '@todo/contracts';

/** daprd's bulk envelope (`com.dapr.event.sent.bulk`): each [CloudEvent id, data] a CloudEvent entry, ids "0", "1", … */
export const bulkDelivery = (topic: string, events: [string, unknown][]): string =>
  JSON.stringify({
    id: randomUUID(),
    type: 'com.dapr.event.sent.bulk',
    topic,
    pubsubname: COMPONENTS.pubsub,
    metadata: { pubsubName: COMPONENTS.pubsub },
    entries: events.map(([id, data], i) => ({
      entryId: String(i),
      event: { specversion: '1.0', id, type: 'test', source: APP_IDS.backend, topic, data },
      metadata: {},
      contentType: 'application/cloudevents+json',
    })),
  });
