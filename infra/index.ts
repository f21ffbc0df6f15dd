// The program: cluster (per stack) -> platform (namespace, Dapr, Kafka, Postgres or Neon, secrets, Dapr resources)
// -> workloads (images, migrations, the four apps). Exports at the bottom.

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { APP_IDS, JOB_APP_IDS, NAMESPACE } from '@todo/contracts';
import { AksCluster } from '../stacks/aks';
import type { Cluster } from '../stacks/cluster';
import { GkeCluster } from '../stacks/gke';
import { LocalCluster } from '../stacks/local';
import { readConfig } from './config';
import { DAPR_SYSTEM, DaprPlatform } from './platform/dapr';
import { DaprResources, type KafkaConnection } from './platform/dapr-resources';
import { KafkaCluster } from './platform/kafka';
import { JAEGER_OTLP, Monitoring } from './platform/monitoring';
import { InClusterPostgres } from './platform/postgres';
import { AppSecrets } from './platform/secrets';
import { DaprApp, type DaprAppArgs } from './workloads/dapr-app';
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

// whatever goes into the namespace takes its name from this resource, and so comes after it
const namespace = new k8s.core.v1.Namespace('namespace', { metadata: { name: NAMESPACE } }, k8sOpts).metadata.name;

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

const kafka: KafkaConnection =
  config.kafka === 'in-cluster'
    ? {
        brokers: new KafkaCluster(
          'kafka',
          { replicas: config.cloud ? 3 : 1, storage: config.cloud ? '20Gi' : '2Gi' },
          k8sOpts,
        ).brokers,
      }
    : { brokers: config.kafka.brokers, sasl: { username: config.kafka.username, password: config.kafka.password } };
const databaseUrl = config.databaseUrl ?? new InClusterPostgres('postgres', { namespace }, k8sOpts).url;
const secrets = new AppSecrets('secrets', { namespace, databaseUrl, openaiApiKey: config.openaiApiKey }, k8sOpts);
const monitoring =
  config.monitoring || config.tracing
    ? new Monitoring(
        'monitoring',
        {
          prometheus: config.monitoring,
          jaeger: config.tracing,
          chartVersion: config.kubePrometheusStackVersion,
          appNamespace: namespace,
          daprNamespace: dapr.release.status.namespace,
        },
        k8sOpts,
      )
    : undefined;
// Dapr resources need the CRDs, and the pods that wait for them the injector: the release (which comes after the CRDs)
// gives no output that says it is ready
const resources = new DaprResources(
  'dapr-resources',
  { namespace, tracingEndpoint: config.tracing ? JAEGER_OTLP : undefined, kafka },
  { ...k8sOpts, dependsOn: [dapr.release] },
);

const image = (appId: string) => appImage(appId, { cluster, tag: config.imageTag, build: config.buildImages });
const tokens = { appToken: secrets.appToken.metadata.name, daprApiToken: secrets.daprApiToken.metadata.name };
const sidecar = (id: string, appImageRef: pulumi.Input<string>) => ({
  namespace,
  image: appImageRef,
  config: resources.configFor(id),
  tokens,
  cloud: config.cloud,
});
// pods start once the components they load exist (and so the injector, which the resources wait for)
const afterResources = { ...k8sOpts, dependsOn: [resources] };
const backendImage = image(APP_IDS.backend);
const migrations = migrationJob(sidecar(JOB_APP_IDS.backendMigrate, backendImage), afterResources);

const app = (
  appId: string,
  appImageRef: pulumi.Input<string>,
  extra: Partial<DaprAppArgs> = {},
  after: pulumi.ComponentResourceOptions = afterResources,
) => new DaprApp(appId, { appId, ...sidecar(appId, appImageRef), replicas: config.replicas, ...extra }, after);
app(
  APP_IDS.backend,
  backendImage,
  { env: { MIGRATE_ON_START: 'false' } },
  { ...k8sOpts, dependsOn: [resources, migrations] },
);
app(APP_IDS.notificationService, image(APP_IDS.notificationService));
app(APP_IDS.recurringTaskService, image(APP_IDS.recurringTaskService));
const frontend = app(APP_IDS.frontend, image(APP_IDS.frontend), {
  serviceType: config.cloud ? 'LoadBalancer' : 'NodePort',
});

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
