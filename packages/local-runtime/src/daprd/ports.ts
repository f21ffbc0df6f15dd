// The ports of the real engines beside each app, shifted by TODO_PORT_OFFSET like every other port (offsets are
// multiples of 100 in the tests, so each range below stays apart from the next system's). Below 32768: never in
// the range Linux hands out to outgoing connections.

/** The ports of one app's daprd, by the app's index in dapr.yaml (its HTTP port is dapr.yaml's daprHTTPPort). */
export function daprdPorts(index: number, offset: number) {
  return { grpc: 23001 + index + offset, internalGrpc: 23011 + index + offset, metrics: 23021 + index + offset };
}

/** The scheduler's gRPC, health, metrics and embedded etcd ports. */
export function schedulerPorts(offset: number) {
  return {
    grpc: 23031 + offset,
    healthz: 23032 + offset,
    metrics: 23033 + offset,
    etcdClient: 23034 + offset,
    etcdPeer: 23035 + offset,
  };
}

/** Sentry, the CA that gives every daprd (and the scheduler) its mTLS identity. */
export function sentryPorts(offset: number) {
  return { grpc: 23041 + offset, healthz: 23042 + offset, metrics: 23043 + offset };
}

/** The Kafka broker: resources/kafka-pubsub.yaml names localhost:9092, the port `dapr run -f .` users start theirs on. */
export function kafkaPorts(offset: number) {
  return { broker: 9092 + offset, controller: 9093 + offset };
}
