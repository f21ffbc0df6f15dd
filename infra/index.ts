// The program: cluster (per stack) -> platform (namespace, Dapr, Kafka, Postgres or Neon, secrets, Dapr resources)
// -> workloads (images, migrations, the four apps). Exports at the bottom.

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { APP_IDS, LOCAL_PORTS, NAMESPACE } from '@todo/contracts';
import { AksCluster } from '../stacks/aks';
import { GkeCluster } from '../stacks/gke';
import { LocalCluster } from '../stacks/local';
import type { Cluster } from './cluster';
import { readConfig } from './config';
import { DAPR_SYSTEM, DaprPlatform } from './platform/dapr';
import { DaprResources } from './platform/dapr-resources';
import { KafkaCluster } from './platform/kafka';
import { JAEGER_OTLP, Monitoring } from './platform/monitoring';
import { InClusterPostgres } from './platform/postgres';
import { AppSecrets } from './platform/secrets';
import { DaprApp } from './workloads/dapr-app';
import { appImage } from './workloads/image';
import { migrationJob } from './workloads/migrations';

const config = readConfig();
const stack = pulumi.getStack();

const cluster: Cluster =
  config.target === 'aks'
    ? new AksCluster(stack, config)
    : config.target === 'gke'
      ? new GkeCluster(stack, config)
      : new LocalCluster(stack, { context: config.kubeContext });
const k8sOpts = { provider: cluster.provider };

const namespace = new k8s.core.v1.Namespace('namespace', { metadata: { name: NAMESPACE } }, k8sOpts);
const inNamespace = { ...k8sOpts, dependsOn: [namespace] };

const dapr = new DaprPlatform(
  'dapr',
  {
    version: config.daprVersion,
    ha: config.daprHa,
    minikube: config.target === 'local',
    storageClass: { local: 'standard', aks: 'managed-csi', gke: 'standard-rwo' }[config.target],
    schedulerStorage: config.cloud ? '16Gi' : '1Gi',
    dashboard: config.dashboard,
  },
  k8sOpts,
);
// Dapr resources and sidecar-injected pods only after the CRDs and the injector exist
const afterDapr = { ...k8sOpts, dependsOn: [namespace, dapr.release] };

const kafka =
  config.kafka === 'in-cluster'
    ? new KafkaCluster('kafka', { replicas: config.cloud ? 3 : 1, storage: config.cloud ? '20Gi' : '2Gi' }, k8sOpts)
    : undefined;
const databaseUrl = config.databaseUrl ?? new InClusterPostgres('postgres', inNamespace).url;
const secrets = new AppSecrets('secrets', { databaseUrl, openaiApiKey: config.openaiApiKey }, inNamespace);
const monitoring =
  config.monitoring || config.tracing
    ? new Monitoring(
        'monitoring',
        { prometheus: config.monitoring, jaeger: config.tracing, chartVersion: config.kubePrometheusStackVersion },
        afterDapr,
      )
    : undefined;
const resources = new DaprResources(
  'dapr-resources',
  {
    tracingEndpoint: config.tracing ? JAEGER_OTLP : undefined,
    kafka:
      config.kafka === 'in-cluster'
        ? { brokers: kafka?.brokers ?? '' }
        : { brokers: config.kafka.brokers, sasl: { username: config.kafka.username, password: config.kafka.password } },
  },
  { ...afterDapr, dependsOn: [namespace, dapr.release, secrets, ...(kafka?.ready ?? [])] },
);

const images = {
  // each app's folder under apps/ is named after its app id
  frontend: appImage(APP_IDS.frontend, config.imageTag, cluster, {}, config.buildImages),
  backend: appImage(APP_IDS.backend, config.imageTag, cluster, {}, config.buildImages),
  notification: appImage(APP_IDS.notificationService, config.imageTag, cluster, {}, config.buildImages),
  recurring: appImage(APP_IDS.recurringTaskService, config.imageTag, cluster, {}, config.buildImages),
};
const appDeps = { ...k8sOpts, dependsOn: [namespace, dapr.release, resources, secrets] };
const migrations = migrationJob(images.backend, config.cloud, appDeps);

const app = (
  appId: string,
  image: pulumi.Input<string>,
  extra: Partial<ConstructorParameters<typeof DaprApp>[1]> = {},
  deps: pulumi.Resource[] = [],
) =>
  new DaprApp(
    appId,
    {
      appId,
      image,
      port: LOCAL_PORTS[appId as keyof typeof LOCAL_PORTS].app,
      replicas: config.replicas,
      cloud: config.cloud,
      ...extra,
    },
    { ...appDeps, dependsOn: [...appDeps.dependsOn, ...deps] },
  );
app(APP_IDS.backend, images.backend, { env: { MIGRATE_ON_START: 'false' } }, [migrations]);
app(APP_IDS.notificationService, images.notification);
app(APP_IDS.recurringTaskService, images.recurring);
const frontend = app(APP_IDS.frontend, images.frontend, { serviceType: config.cloud ? 'LoadBalancer' : 'NodePort' });

export const namespaceName = NAMESPACE;
export const frontendUrl = config.cloud
  ? frontend.service.status.apply((s) => {
      const ingress = s?.loadBalancer?.ingress?.[0];
      return ingress ? `http://${ingress.ip ?? ingress.hostname}` : 'pending: the load balancer has no address yet';
    })
  : pulumi.output(`run: minikube service ${APP_IDS.frontend} -n ${NAMESPACE} --url`);
export const dashboardCommand = config.dashboard
  ? `kubectl port-forward -n ${DAPR_SYSTEM} svc/dapr-dashboard 8080:8080  # then open http://localhost:8080`
  : 'the dashboard is off (todo-chatbot:dashboard false)';
export const observeCommands = monitoring?.commands ?? {};
export const kubeconfig = cluster.kubeconfig ?? pulumi.output(`context ${config.kubeContext} of your kubeconfig`);
export const imageRepository = cluster.imageRepository ?? pulumi.output("Minikube's Docker daemon");
