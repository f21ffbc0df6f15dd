// The credentials of an external Kafka (Redpanda Cloud): the Kubernetes Secret the Pulumi program writes, the
// kafka-pubsub component's secretKeyRef and the Role that lets the sidecars read it must name the same thing.

/** Kubernetes Secret holding the SASL password of the external Kafka user. */
export const KAFKA_CREDENTIALS_SECRET = { name: 'kafka-credentials', key: 'password' } as const;
