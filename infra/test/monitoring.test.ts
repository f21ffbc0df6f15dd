// Monitoring as the program makes it: Prometheus and Grafana with our dashboards, what is scraped, where traces go;
// and dashboards that query only series the apps or Dapr export.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_APP_IDS, NAMESPACE } from '@todo/contracts';
import { registry } from '@todo/service-kit';
import '../../apps/backend/src/metrics';
import { DAPR_METRICS } from '../monitoring/dapr-metrics';
import { JAEGER_OTLP } from '../platform/monitoring';
import { runStack, type StackRun } from './run-stack.test-helper';

const NEON = { 'todo-chatbot:databaseUrl': 'postgresql://u:p@h/db' };
let aks: StackRun;
let local: StackRun;
let localWithMonitoring: StackRun;

beforeAll(async () => {
  aks = await runStack('aks', {}, NEON);
  local = await runStack('local');
  localWithMonitoring = await runStack('local', { 'todo-chatbot:monitoring': 'true' });
}, 120_000);

/** Every sidecar's Configuration (one per app and the migrations Job): what holds for one must hold for all. */
const configurations = (run: StackRun) => run.of('kubernetes:dapr.io/v1alpha1:Configuration').map((c) => c.inputs);

it('installs kube-prometheus-stack on cloud stacks (and on local by flag) so that it reads our PodMonitors', () => {
  for (const run of [aks, localWithMonitoring]) {
    const release = run.one('kubernetes:helm.sh/v3:Release', 'kube-prometheus-stack').inputs;
    expect(release.values.prometheus.prometheusSpec).toMatchObject({ podMonitorSelectorNilUsesHelmValues: false });
    expect(release.values.grafana.sidecar.dashboards).toMatchObject({ enabled: true, label: 'grafana_dashboard' });
  }
  expect(local.of('kubernetes:helm.sh/v3:Release').map((r) => r.name)).not.toContain('kube-prometheus-stack');
});

it('scrapes the sidecars and the apps of every app pod, and the Dapr control plane', () => {
  const apps = aks.one('kubernetes:monitoring.coreos.com/v1:PodMonitor', 'todo-apps').inputs.spec;
  expect(apps.selector.matchExpressions[0]).toEqual({ key: 'app', operator: 'In', values: [...ALL_APP_IDS] });
  expect(apps.podMetricsEndpoints.map((e: { port: string }) => e.port)).toEqual(['dapr-metrics', 'metrics']);
  expect(
    aks.one('kubernetes:monitoring.coreos.com/v1:PodMonitor', 'dapr-control-plane').inputs.metadata.namespace,
  ).toBe('dapr-system');
  for (const d of aks.of('kubernetes:apps/v1:Deployment').filter((x) => x.inputs.metadata.namespace === NAMESPACE)) {
    const container = d.inputs.spec.template.spec.containers[0];
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 9464 });
    expect(container.env).toContainEqual({ name: 'METRICS_PORT', value: '9464' });
    expect(container.env).toContainEqual({ name: 'APP_HOST', value: '0.0.0.0' });
  }
  expect(aks.outputs.observeCommands).toMatchObject({ grafana: expect.stringContaining('port-forward') });
});

it('ships the dashboards as ConfigMaps Grafana picks up', () => {
  const maps = aks
    .of('kubernetes:core/v1:ConfigMap')
    .filter((m) => m.inputs.metadata.labels?.grafana_dashboard === '1');
  expect(maps.map((m) => m.name).sort()).toEqual(['dashboard-apps', 'dashboard-dapr']);
  for (const m of maps)
    for (const json of Object.values(m.inputs.data)) expect(() => JSON.parse(json as string)).not.toThrow();
});

it('sends traces to Jaeger over OTLP on local, with every request sampled, and not in the cloud by default', () => {
  expect(configurations(local)).toHaveLength(5);
  for (const c of configurations(local))
    expect(c.spec.tracing).toEqual({
      samplingRate: '1',
      otel: { endpointAddress: JAEGER_OTLP, isSecure: false, protocol: 'grpc' },
    });
  expect(local.one('kubernetes:apps/v1:Deployment', 'jaeger').inputs.spec.template.spec.containers[0].image).toMatch(
    /^jaegertracing\/jaeger:2\./,
  );
  for (const c of configurations(aks)) {
    expect(c.spec.tracing.otel).toBeUndefined();
    expect(c.spec.metrics).toEqual({ enabled: true });
  }
});

it('queries in the dashboards name only series the apps or Dapr export', async () => {
  const exported = new Set([...(await registry.getMetricsAsJSON()).map((m) => m.name), ...DAPR_METRICS]);
  const dir = join(__dirname, '..', 'monitoring', 'dashboards');
  for (const file of readdirSync(dir)) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
      p.targets.map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(5);
    for (const expr of exprs) {
      // metric names only: drop label selectors and the label lists of by (...) first
      const bare = expr.replace(/\{[^}]*\}/g, '{}').replace(/\bby\s*\([^)]*\)/g, '');
      const names = bare.match(/\b(?:todo|dapr|process)_[a-z0-9_]+\b|\bup\b(?=\{)/g) ?? [];
      expect(names.length).toBeGreaterThan(0);
      // a histogram is exported as <name>_bucket, _sum and _count
      const known = (name: string) => exported.has(name) || exported.has(name.replace(/_(bucket|sum|count)$/, ''));
      for (const name of names) expect({ file, name, exported: known(name) }).toEqual({ file, name, exported: true });
    }
  }
});
