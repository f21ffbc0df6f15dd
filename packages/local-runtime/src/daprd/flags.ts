// The flags that put a Dapr process's listeners on loopback, written once for every place that starts one.

/** Sentry and the scheduler: gRPC, health and metrics, on 127.0.0.1. */
export const controlPlaneListenFlags = (ports: { grpc: number; healthz: number; metrics: number }): string[] => [
  '--listen-address=127.0.0.1',
  `--port=${ports.grpc}`,
  '--healthz-listen-address=127.0.0.1',
  `--healthz-port=${ports.healthz}`,
  '--metrics-listen-address=127.0.0.1',
  `--metrics-port=${ports.metrics}`,
];

/** daprd: its HTTP API, its gRPC API, its internal gRPC (daprd to daprd) and metrics, on 127.0.0.1. */
export const daprdListenFlags = (ports: { http: number; grpc: number; internalGrpc: number; metrics: number }) => [
  `--dapr-http-port=${ports.http}`,
  `--dapr-grpc-port=${ports.grpc}`,
  `--dapr-internal-grpc-port=${ports.internalGrpc}`,
  '--dapr-listen-addresses=127.0.0.1',
  '--dapr-internal-grpc-listen-address=127.0.0.1',
  '--metrics-listen-address=127.0.0.1',
  `--metrics-port=${ports.metrics}`,
];
