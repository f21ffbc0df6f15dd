// Kafka in the cluster: the Strimzi operator and a KRaft cluster with our topics declared as KafkaTopic resources.
// (Strimzi over the Redpanda chart: topics, retention and users are Kubernetes resources Pulumi can diff.)

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { deadLetterTopic, TOPICS, type Topic } from '@todo/contracts';

export const KAFKA_NAMESPACE = 'kafka';
const CLUSTER = 'todo-kafka';
const DAY_MS = 24 * 3600 * 1000;

export interface KafkaArgs {
  /** 1 on local and review stacks; 3 in the cloud. */
  replicas: number;
  storage: string;
}

export class KafkaCluster extends pulumi.ComponentResource {
  /** Bootstrap address for the kafka-pubsub component. */
  readonly brokers = `${CLUSTER}-kafka-bootstrap.${KAFKA_NAMESPACE}.svc:9092`;
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: KafkaArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Kafka', name, {}, opts);
    const parent = { parent: this };
    const operator = new k8s.helm.v3.Release(
      'strimzi',
      {
        chart: 'strimzi-kafka-operator',
        version: '0.48.0',
        namespace: KAFKA_NAMESPACE,
        createNamespace: true,
        repositoryOpts: { repo: 'https://strimzi.io/charts/' },
        waitForJobs: true,
      },
      parent,
    );
    const after = { ...parent, dependsOn: [operator] };
    const pool = new k8s.apiextensions.CustomResource(
      'kafka-pool',
      {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaNodePool',
        metadata: { name: 'dual-role', namespace: KAFKA_NAMESPACE, labels: { 'strimzi.io/cluster': CLUSTER } },
        spec: {
          replicas: args.replicas,
          roles: ['controller', 'broker'],
          storage: {
            type: 'jbod',
            volumes: [
              { id: 0, type: 'persistent-claim', size: args.storage, deleteClaim: false, kraftMetadata: 'shared' },
            ],
          },
        },
      },
      after,
    );
    const rf = Math.min(args.replicas, 3);
    const kafka = new k8s.apiextensions.CustomResource(
      'kafka',
      {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'Kafka',
        metadata: {
          name: CLUSTER,
          namespace: KAFKA_NAMESPACE,
          annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' },
        },
        spec: {
          kafka: {
            version: '4.1.0',
            listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }],
            config: {
              'offsets.topic.replication.factor': rf,
              'transaction.state.log.replication.factor': rf,
              'transaction.state.log.min.isr': Math.max(1, rf - 1),
              'default.replication.factor': rf,
              'min.insync.replicas': Math.max(1, rf - 1),
              'auto.create.topics.enable': false,
            },
          },
          entityOperator: { topicOperator: {} },
        },
      },
      { ...after, dependsOn: [operator, pool] },
    );
    const topic = (topicName: string, partitions: number, retentionDays: number) =>
      new k8s.apiextensions.CustomResource(
        `topic-${topicName}`,
        {
          apiVersion: 'kafka.strimzi.io/v1beta2',
          kind: 'KafkaTopic',
          metadata: { name: topicName, namespace: KAFKA_NAMESPACE, labels: { 'strimzi.io/cluster': CLUSTER } },
          spec: {
            partitions,
            replicas: rf,
            config: { 'retention.ms': retentionDays * DAY_MS, 'cleanup.policy': 'delete' },
          },
        },
        { ...parent, dependsOn: [kafka] },
      );
    // task events keep a task's order by key (the task id) across 6 partitions; dead letters are kept longer to inspect
    const topics = (Object.values(TOPICS) as Topic[]).flatMap((t) => [
      topic(t, 6, 7),
      topic(deadLetterTopic(t), 1, 14),
    ]);
    this.ready = [kafka, ...topics];
    this.registerOutputs({ brokers: this.brokers });
  }
}
