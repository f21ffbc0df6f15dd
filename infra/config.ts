// Typed stack configuration with documented defaults; a missing required value fails with the command that sets it.
import * as pulumi from '@pulumi/pulumi';

export type Target = 'local' | 'aks' | 'gke';

export interface KafkaExternal {
  brokers: string;
  username: string;
  password: pulumi.Output<string>;
}

export interface StackConfig {
  target: Target;
  cloud: boolean;
  /** Kubernetes context to adopt on `local` (default minikube). */
  kubeContext: string;
  /** Dapr Helm chart version: 1.16+ for Jobs `overwrite` and `failurePolicy`; 1.18 serves the stable Jobs path. */
  daprVersion: string;
  /** HA control plane (3 replicas each); on by default in the cloud. */
  daprHa: boolean;
  /** The (deprecated, still installable) Dapr dashboard; on by default. */
  dashboard: boolean;
  /** Prometheus and Grafana (kube-prometheus-stack) with our dashboards; on by default in the cloud. */
  monitoring: boolean;
  /** Traces from the sidecars to Jaeger in the cluster (OTLP); on by default locally. */
  tracing: boolean;
  kubePrometheusStackVersion: string;
  kafka: 'in-cluster' | KafkaExternal;
  /** Neon (or any Postgres) URL; optional only on `local`, where an in-cluster Postgres is made. */
  databaseUrl?: pulumi.Output<string>;
  openaiApiKey?: pulumi.Output<string>;
  /** Image tag pushed and deployed (default: the stack name, so each PR stack has its own). */
  imageTag: string;
  /** Build the images here (default); false deploys images already loaded into the cluster (kind in the e2e job). */
  buildImages: boolean;
  replicas: number;
  nodeSize: string;
  minNodes: number;
  maxNodes: number;
}

const TARGETS: Target[] = ['local', 'aks', 'gke'];

export class ConfigError extends Error {}

export function readConfig(): StackConfig {
  const config = new pulumi.Config();
  const stack = pulumi.getStack();
  const target = config.require('target') as Target;
  if (!TARGETS.includes(target)) {
    throw new ConfigError(
      `todo-chatbot:target must be one of ${TARGETS.join(', ')}; run: pulumi config set todo-chatbot:target local`,
    );
  }
  const cloud = target !== 'local';
  const databaseUrl = config.getSecret('databaseUrl');
  if (cloud && databaseUrl === undefined) {
    throw new ConfigError(
      `stack ${stack} (${target}) needs the Neon connection string: pulumi config set --secret todo-chatbot:databaseUrl 'postgresql://USER:PASSWORD@HOST/DB?sslmode=require'`,
    );
  }
  const brokers = config.get('kafkaBrokers');
  let kafka: StackConfig['kafka'] = 'in-cluster';
  if (config.get('kafka') === 'external' || brokers) {
    if (!brokers)
      throw new ConfigError('external Kafka needs brokers: pulumi config set todo-chatbot:kafkaBrokers HOST:9092');
    const username = config.get('kafkaUsername');
    const password = config.getSecret('kafkaPassword');
    if (!username || password === undefined) {
      throw new ConfigError(
        'Redpanda Cloud needs SASL credentials: pulumi config set todo-chatbot:kafkaUsername USER && pulumi config set --secret todo-chatbot:kafkaPassword PASSWORD',
      );
    }
    kafka = { brokers, username, password };
  }
  const positive = (key: string, fallback: number) => {
    const value = config.getNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < 1)
      throw new ConfigError(`todo-chatbot:${key} must be a whole number of at least 1`);
    return value;
  };
  const minNodes = positive('minNodes', cloud ? 2 : 1);
  const maxNodes = positive('maxNodes', cloud ? 5 : 1);
  if (maxNodes < minNodes) throw new ConfigError('todo-chatbot:maxNodes must not be below todo-chatbot:minNodes');
  return {
    target,
    cloud,
    kubeContext: config.get('kubeContext') ?? 'minikube',
    daprVersion: config.get('daprVersion') ?? '1.18.2',
    daprHa: config.getBoolean('daprHa') ?? cloud,
    dashboard: config.getBoolean('dashboard') ?? true,
    monitoring: config.getBoolean('monitoring') ?? cloud,
    tracing: config.getBoolean('tracing') ?? !cloud,
    kubePrometheusStackVersion: config.get('kubePrometheusStackVersion') ?? '77.0.0',
    kafka,
    databaseUrl: databaseUrl,
    openaiApiKey: config.getSecret('openaiApiKey'),
    imageTag: config.get('imageTag') ?? stack,
    buildImages: config.getBoolean('buildImages') ?? true,
    replicas: positive('replicas', cloud ? 2 : 1),
    nodeSize: config.get('nodeSize') ?? (target === 'gke' ? 'e2-standard-4' : 'Standard_D4s_v5'),
    minNodes,
    maxNodes,
  };
}
