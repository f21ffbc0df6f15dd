// One app beside its Dapr sidecar: service account, Deployment with the Dapr annotations, probes, limits, a locked-down
// container, a Service; in the cloud also a PodDisruptionBudget and a HorizontalPodAutoscaler.

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { APP_TOKEN_SECRET, DAPR_API_TOKEN_SECRET } from '@todo/contracts';

/** Where every app listens in its pod (each pod has its own address, so one port for all; the Dockerfile's EXPOSE). */
export const APP_PORT = 8000;
/** Where each app serves /metrics in the cluster (Prometheus's usual exporter port), off the Service. */
export const METRICS_PORT = 9464;

/** The names of the two token Secrets, taken from the Secrets themselves so that pods come after them. */
export interface TokenSecrets {
  appToken: pulumi.Input<string>;
  daprApiToken: pulumi.Input<string>;
}

/** What every sidecar-injected workload (app or Job) is given. */
export interface SidecarArgs {
  namespace: pulumi.Input<string>;
  image: pulumi.Input<string>;
  /** The name of the app's own Dapr Configuration, from the resource, so pods come after it. */
  config: pulumi.Input<string>;
  tokens: TokenSecrets;
  cloud: boolean;
}

export interface DaprAppArgs extends SidecarArgs {
  appId: string;
  /** Pods without an autoscaler; in the cloud the HorizontalPodAutoscaler's minimum. */
  replicas: number;
  env?: Record<string, pulumi.Input<string>>;
  /** How the Service is reached: ClusterIP for internal apps, LoadBalancer/NodePort for the frontend. */
  serviceType?: 'ClusterIP' | 'LoadBalancer' | 'NodePort';
  resources?: { cpu: string; memory: string; cpuLimit: string; memoryLimit: string };
}

export const tokenEnv = (tokens: TokenSecrets) => [
  { name: 'APP_API_TOKEN', valueFrom: { secretKeyRef: { name: tokens.appToken, key: APP_TOKEN_SECRET.key } } },
  {
    name: 'DAPR_API_TOKEN',
    valueFrom: { secretKeyRef: { name: tokens.daprApiToken, key: DAPR_API_TOKEN_SECRET.key } },
  },
];

/** The annotations that make the injector add a sidecar, and how that sidecar behaves. */
export const daprAnnotations = (appId: string, args: SidecarArgs, port?: number) => ({
  'dapr.io/enabled': 'true',
  'dapr.io/app-id': appId,
  ...(port ? { 'dapr.io/app-port': String(port) } : {}),
  'dapr.io/config': args.config,
  'dapr.io/app-token-secret': args.tokens.appToken,
  'dapr.io/api-token-secret': args.tokens.daprApiToken,
  'dapr.io/log-as-json': 'true',
  'dapr.io/enable-api-logging': 'true',
  'dapr.io/enable-metrics': 'true',
  'dapr.io/sidecar-cpu-request': '50m',
  'dapr.io/sidecar-cpu-limit': '500m',
  'dapr.io/sidecar-memory-request': '64Mi',
  'dapr.io/sidecar-memory-limit': '256Mi',
  ...(port ? { 'dapr.io/app-health-check-path': '/healthz', 'dapr.io/enable-app-health-check': 'true' } : {}),
});

/** Non-root, read-only root filesystem, no privilege escalation, no capabilities. */
export const lockedDown = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export class DaprApp extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;

  constructor(name: string, args: DaprAppArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:workloads:DaprApp', name, {}, opts);
    // children wait for what the app waits for (the Dapr release, its resources, the secrets)
    const parent = { parent: this, dependsOn: opts.dependsOn };
    const labels = { app: args.appId };
    const namespace = args.namespace;
    const res = args.resources ?? { cpu: '100m', memory: '128Mi', cpuLimit: '1', memoryLimit: '512Mi' };
    const account = new k8s.core.v1.ServiceAccount(
      args.appId,
      { metadata: { name: args.appId, namespace, labels } },
      parent,
    );
    this.deployment = new k8s.apps.v1.Deployment(
      args.appId,
      {
        metadata: { name: args.appId, namespace, labels },
        spec: {
          // in the cloud the autoscaler owns the replica count: a value here would be applied back on every `up`
          ...(args.cloud ? {} : { replicas: args.replicas }),
          selector: { matchLabels: labels },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels, annotations: daprAnnotations(args.appId, args, APP_PORT) },
            spec: {
              serviceAccountName: account.metadata.name,
              securityContext: { runAsNonRoot: true, fsGroup: 10001 },
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: args.appId,
                  image: args.image,
                  imagePullPolicy: args.cloud ? 'IfNotPresent' : 'Never',
                  ports: [
                    { name: 'http', containerPort: APP_PORT },
                    { name: 'metrics', containerPort: METRICS_PORT },
                  ],
                  env: [
                    { name: 'APP_PORT', value: String(APP_PORT) },
                    { name: 'METRICS_PORT', value: String(METRICS_PORT) },
                    // probes and Prometheus reach the pod's address; locally the apps listen on loopback only
                    { name: 'APP_HOST', value: '0.0.0.0' },
                    { name: 'LOG_LEVEL', value: 'info' },
                    ...tokenEnv(args.tokens),
                    ...Object.entries(args.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
                  ],
                  startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
                  livenessProbe: {
                    httpGet: { path: '/healthz', port: 'http' },
                    periodSeconds: 10,
                    failureThreshold: 3,
                  },
                  readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
                  resources: {
                    requests: { cpu: res.cpu, memory: res.memory },
                    limits: { cpu: res.cpuLimit, memory: res.memoryLimit },
                  },
                  securityContext: lockedDown,
                  // the only writable place: a scratch directory
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            },
          },
        },
      },
      parent,
    );
    this.service = new k8s.core.v1.Service(
      args.appId,
      {
        metadata: { name: args.appId, namespace, labels },
        spec: {
          type: args.serviceType ?? 'ClusterIP',
          selector: labels,
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      },
      parent,
    );
    if (args.cloud) {
      new k8s.policy.v1.PodDisruptionBudget(
        args.appId,
        {
          metadata: { name: args.appId, namespace, labels },
          spec: { minAvailable: 1, selector: { matchLabels: labels } },
        },
        parent,
      );
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        args.appId,
        {
          metadata: { name: args.appId, namespace, labels },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.metadata.name },
            minReplicas: args.replicas,
            maxReplicas: args.replicas * 3,
            metrics: [
              { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
            ],
          },
        },
        parent,
      );
    }
    this.registerOutputs({});
  }
}
