// Prometheus and Grafana (kube-prometheus-stack: the operator, Prometheus, Grafana and the node and cluster exporters
// in one chart, with PodMonitor resources to say what to scrape), our dashboards as code, and Jaeger for traces.
// Grafana's admin password is generated into a Secret (never the chart's default, never an output).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { ALL_APP_IDS } from '@todo/contracts';

export const MONITORING = 'monitoring';
export const JAEGER_OTLP = `jaeger.${MONITORING}.svc.cluster.local:4317`;
/** Jaeger v2 (OpenTelemetry Collector based): 1.x reached end of life; v2's default config is all-in-one in memory. */
export const JAEGER_IMAGE = 'jaegertracing/jaeger:2.17.0';
/**
 * A release name that contains the chart's name: the chart's fullname is then the release name itself, so its Services
 * are `kube-prometheus-stack-prometheus` and (Grafana's subchart) `kube-prometheus-stack-grafana`.
 */
export const KUBE_PROMETHEUS_STACK_RELEASE = 'kube-prometheus-stack';
/** The Secret holding Grafana's admin user and generated password, under the keys the grafana chart reads. */
export const GRAFANA_ADMIN = { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } as const;

export interface MonitoringArgs {
  prometheus: boolean;
  jaeger: boolean;
  chartVersion: string;
  /** Where the apps run (their PodMonitor goes there). */
  appNamespace: pulumi.Input<string>;
  /** Where the Dapr control plane runs, from its release, so its PodMonitor comes after it. */
  daprNamespace: pulumi.Input<string>;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly commands: Record<string, string> = {};

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Monitoring', name, {}, opts);
    const parent = { parent: this };
    const namespace = new k8s.core.v1.Namespace('monitoring', { metadata: { name: MONITORING } }, parent).metadata.name;
    if (args.prometheus) {
      const password = new random.RandomPassword('grafana-admin-password', { length: 32, special: false }, parent);
      const admin = new k8s.core.v1.Secret(
        GRAFANA_ADMIN.name,
        {
          metadata: { name: GRAFANA_ADMIN.name, namespace },
          type: 'Opaque',
          stringData: { [GRAFANA_ADMIN.userKey]: 'admin', [GRAFANA_ADMIN.passwordKey]: password.result },
        },
        parent,
      );
      const stack = new k8s.helm.v3.Release(
        'kube-prometheus-stack',
        {
          name: KUBE_PROMETHEUS_STACK_RELEASE,
          chart: 'kube-prometheus-stack',
          version: args.chartVersion,
          namespace,
          repositoryOpts: { repo: 'https://prometheus-community.github.io/helm-charts' },
          values: {
            // pick up every PodMonitor and ServiceMonitor, not only the chart's own
            prometheus: {
              prometheusSpec: {
                podMonitorSelectorNilUsesHelmValues: false,
                serviceMonitorSelectorNilUsesHelmValues: false,
              },
            },
            grafana: {
              admin: {
                existingSecret: admin.metadata.name,
                userKey: GRAFANA_ADMIN.userKey,
                passwordKey: GRAFANA_ADMIN.passwordKey,
              },
              sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', searchNamespace: 'ALL' } },
            },
          },
        },
        parent,
      );
      const afterStack = { parent: this, dependsOn: [stack] };
      // each app pod: the sidecar's metrics port and the app's own
      new k8s.apiextensions.CustomResource(
        'todo-apps',
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PodMonitor',
          metadata: { name: 'todo-apps', namespace: args.appNamespace },
          spec: {
            selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [...ALL_APP_IDS] }] },
            podMetricsEndpoints: [
              { port: 'dapr-metrics', path: '/', interval: '15s' },
              { port: 'metrics', path: '/metrics', interval: '15s' },
            ],
          },
        },
        afterStack,
      );
      new k8s.apiextensions.CustomResource(
        'dapr-control-plane',
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PodMonitor',
          metadata: { name: 'dapr-control-plane', namespace: args.daprNamespace },
          spec: {
            selector: { matchLabels: { 'app.kubernetes.io/part-of': 'dapr' } },
            podMetricsEndpoints: [{ port: 'metrics', path: '/', interval: '30s' }],
          },
        },
        afterStack,
      );
      for (const file of ['apps', 'dapr']) {
        new k8s.core.v1.ConfigMap(
          `dashboard-${file}`,
          {
            metadata: { name: `dashboard-${file}`, namespace, labels: { grafana_dashboard: '1' } },
            data: {
              [`${file}.json`]: readFileSync(join(__dirname, '..', 'monitoring', 'dashboards', `${file}.json`), 'utf8'),
            },
          },
          parent,
        );
      }
      this.commands.grafana = `kubectl port-forward -n ${MONITORING} svc/${KUBE_PROMETHEUS_STACK_RELEASE}-grafana 3001:80  # http://localhost:3001`;
      this.commands.grafanaPassword = `kubectl get secret -n ${MONITORING} ${GRAFANA_ADMIN.name} -o jsonpath='{.data.${GRAFANA_ADMIN.passwordKey}}' | base64 -d  # user admin`;
      this.commands.prometheus = `kubectl port-forward -n ${MONITORING} svc/${KUBE_PROMETHEUS_STACK_RELEASE}-prometheus 9090:9090`;
    }
    if (args.jaeger) {
      const labels = { app: 'jaeger' };
      new k8s.apps.v1.Deployment(
        'jaeger',
        {
          metadata: { name: 'jaeger', namespace, labels },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 10001 },
                containers: [
                  {
                    name: 'jaeger',
                    image: JAEGER_IMAGE,
                    ports: [
                      { name: 'otlp-grpc', containerPort: 4317 },
                      { name: 'ui', containerPort: 16686 },
                    ],
                    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
                    securityContext: {
                      runAsNonRoot: true,
                      allowPrivilegeEscalation: false,
                      capabilities: { drop: ['ALL'] },
                    },
                  },
                ],
              },
            },
          },
        },
        parent,
      );
      new k8s.core.v1.Service(
        'jaeger',
        {
          metadata: { name: 'jaeger', namespace, labels },
          spec: {
            selector: labels,
            ports: [
              { name: 'otlp-grpc', port: 4317, targetPort: 'otlp-grpc' },
              { name: 'ui', port: 16686, targetPort: 'ui' },
            ],
          },
        },
        parent,
      );
      this.commands.jaeger = `kubectl port-forward -n ${MONITORING} svc/jaeger 16686:16686  # http://localhost:16686`;
    }
    this.registerOutputs({});
  }
}
