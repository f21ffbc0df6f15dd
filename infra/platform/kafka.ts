// Kafka in the cluster: the Strimzi operator and a KRaft cluster with our topics declared as KafkaTopic resources.
// (Strimzi over the Redpanda chart: topics, retention and users are Kubernetes resources Pulumi can diff.)
// Pulumi waits for a custom resource only when told: the cluster and each topic carry `pulumi.com/waitFor`, and the
// bootstrap address comes out of them, so whatever uses it is created once Kafka and its topics are Ready.
// Helm never upgrades a chart's CRDs: the program applies Strimzi's CRD bundle of the installed version itself.

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { deadLetterTopic, TOPICS, type Topic } from '@todo/contracts';

export const KAFKA_NAMESPACE = 'kafka';
/** The chart's home since Strimzi moved it to an OCI registry (the old index still resolves, no longer updated). */
export const STRIMZI_CHART = 'oci://quay.io/strimzi-helm/strimzi-kafka-operator';
export const STRIMZI_VERSION = '0.48.0';
export const STRIMZI_CRDS = `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${STRIMZI_VERSION}/strimzi-crds-${STRIMZI_VERSION}.yaml`;
/** Strimzi sets the condition Ready on a Kafka and a KafkaTopic it has reconciled. */
export const WAIT_FOR_READY = { 'pulumi.com/waitFor': 'condition=Ready' };
const CLUSTER = 'todo-kafka';
const DAY_MS = 24 * 3600 * 1000;

export interface KafkaArgs {
  /** 1 on local and review stacks; 3 in the cloud. */
  replicas: number;
  storage: string;
}

export class KafkaCluster extends pulumi.ComponentResource {
  /** Bootstrap address for the kafka-pubsub component, known once the cluster and every topic are Ready. */
  readonly brokers: pulumi.Output<string>;

  constructor(name: string, args: KafkaArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Kafka', name, {}, opts);
    const parent = { parent: this };
    const crds = new k8s.yaml.v2.ConfigGroup('strimzi-crds', { files: [STRIMZI_CRDS] }, parent);
    const operator = new k8s.helm.v3.Release(
      'strimzi',
      {
        name: 'strimzi',
        chart: STRIMZI_CHART,
        version: STRIMZI_VERSION,
        namespace: KAFKA_NAMESPACE,
        createNamespace: true,
        skipCrds: true,
        waitForJobs: true,
      },
      { ...parent, dependsOn: [crds] },
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
          // KRaft and node pools are all Strimzi 0.48 knows: no strimzi.io/kraft or strimzi.io/node-pools to set
          annotations: WAIT_FOR_READY,
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
          metadata: {
            name: topicName,
            namespace: KAFKA_NAMESPACE,
            // the cluster's name from the Kafka resource: a topic is created after its cluster
            labels: { 'strimzi.io/cluster': kafka.metadata.name },
            annotations: WAIT_FOR_READY,
          },
          spec: {
            partitions,
            replicas: rf,
            config: { 'retention.ms': retentionDays * DAY_MS, 'cleanup.policy': 'delete' },
          },
        },
        parent,
      );
    // task events keep a task's order by key (the task id) across 6 partitions; dead letters are kept longer to inspect
    const topics = (Object.values(TOPICS) as Topic[]).flatMap((t) => [
      topic(t, 6, 7),
      topic(deadLetterTopic(t), 1, 14),
    ]);
    this.brokers = pulumi
      .all([kafka.metadata.name, ...topics.map((t) => t.metadata.name)])
      .apply(([cluster]) => `${cluster}-kafka-bootstrap.${KAFKA_NAMESPACE}.svc:9092`);
    this.registerOutputs({ brokers: this.brokers });
  }
}
