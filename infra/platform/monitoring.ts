// Prometheus and Grafana (kube-prometheus-stack: the operator, Prometheus, Grafana and the node and cluster exporters
// in one chart, with PodMonitor resources to say what to scrape), our dashboards as code, and Jaeger for traces.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ALL_APP_IDS, NAMESPACE } from '@todo/contracts';
import { DAPR_SYSTEM } from './dapr';

export const MONITORING = 'monitoring';
export const JAEGER_OTLP = `jaeger.${MONITORING}.svc.cluster.local:4317`;

export interface MonitoringArgs {
  prometheus: boolean;
  jaeger: boolean;
  chartVersion: string;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly commands: Record<string, string> = {};

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Monitoring', name, {}, opts);
    const parent = { parent: this, dependsOn: opts.dependsOn };
    const namespace = new k8s.core.v1.Namespace('monitoring', { metadata: { name: MONITORING } }, parent);
    const inMonitoring = { parent: this, dependsOn: [namespace] };
    if (args.prometheus) {
      const stack = new k8s.helm.v3.Release(
        'kube-prometheus-stack',
        {
          chart: 'kube-prometheus-stack',
          version: args.chartVersion,
          namespace: MONITORING,
          repositoryOpts: { repo: 'https://prometheus-community.github.io/helm-charts' },
          values: {
            // pick up every PodMonitor and ServiceMonitor, not only the chart's own
            prometheus: {
              prometheusSpec: {
                podMonitorSelectorNilUsesHelmValues: false,
                serviceMonitorSelectorNilUsesHelmValues: false,
              },
            },
            grafana: { sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', searchNamespace: 'ALL' } } },
          },
        },
        inMonitoring,
      );
      const afterStack = { parent: this, dependsOn: [stack] };
      // each app pod: the sidecar's metrics port and the app's own
      new k8s.apiextensions.CustomResource(
        'todo-apps',
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PodMonitor',
          metadata: { name: 'todo-apps', namespace: NAMESPACE },
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
          metadata: { name: 'dapr-control-plane', namespace: DAPR_SYSTEM },
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
            metadata: { name: `dashboard-${file}`, namespace: MONITORING, labels: { grafana_dashboard: '1' } },
            data: {
              [`${file}.json`]: readFileSync(join(__dirname, '..', 'monitoring', 'dashboards', `${file}.json`), 'utf8'),
            },
          },
          inMonitoring,
        );
      }
      this.commands.grafana = `kubectl port-forward -n ${MONITORING} svc/kube-prometheus-stack-grafana 3001:80  # http://localhost:3001`;
      this.commands.prometheus = `kubectl port-forward -n ${MONITORING} svc/kube-prometheus-stack-prometheus 9090:9090`;
    }
    if (args.jaeger) {
      const labels = { app: 'jaeger' };
      new k8s.apps.v1.Deployment(
        'jaeger',
        {
          metadata: { name: 'jaeger', namespace: MONITORING, labels },
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
                    image: 'jaegertracing/all-in-one:1.62.0',
                    env: [{ name: 'COLLECTOR_OTLP_ENABLED', value: 'true' }],
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
        inMonitoring,
      );
      new k8s.core.v1.Service(
        'jaeger',
        {
          metadata: { name: 'jaeger', namespace: MONITORING, labels },
          spec: {
            selector: labels,
            ports: [
              { name: 'otlp-grpc', port: 4317, targetPort: 'otlp-grpc' },
              { name: 'ui', port: 16686, targetPort: 'ui' },
            ],
          },
        },
        inMonitoring,
      );
      this.commands.jaeger = `kubectl port-forward -n ${MONITORING} svc/jaeger 16686:16686  # http://localhost:16686`;
    }
    this.registerOutputs({});
  }
}
