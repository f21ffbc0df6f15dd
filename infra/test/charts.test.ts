// The Helm releases, checked against the charts they install: the names the dapr CLI and our exported commands rely
// on, every Dapr value key and sidecar annotation we set, and how Strimzi and Grafana are installed. The dapr chart
// and injector come from the dapr Go module at the pinned version; kube-prometheus-stack's naming rules are ported
// from its templates (its chart is served by no package registry reachable here).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENTS, NAMESPACE } from '@todo/contracts';
import { parse } from 'yaml';
import { DAPR_CRD_FILES, daprCrdUrl } from '../platform/dapr';
import { KAFKA_NAMESPACE, STRIMZI_CHART, STRIMZI_CRDS } from '../platform/kafka';
import { GRAFANA_ADMIN, JAEGER_IMAGE, MONITORING } from '../platform/monitoring';
import { dependsOnTransitively, runStack, type StackRun } from './run-stack.test-helper';
import { daprModuleDir, daprModuleMissing } from './upstream.test-helper';

const RELEASE = 'kubernetes:helm.sh/v3:Release';
const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';
const NEON = { 'todo-chatbot:databaseUrl': 'postgresql://u:p@h/db' };
let aks: StackRun;
let local: StackRun;
beforeAll(async () => {
  aks = await runStack('aks', {}, NEON);
  local = await runStack('local');
}, 120_000);

/** Helm's `trunc n | trimSuffix "-"`. */
const trunc = (s: string, n: number) => s.slice(0, n).replace(/-$/, '');
/** kube-prometheus-stack's "kube-prometheus-stack.fullname" (templates/_helpers.tpl: truncated to 26, no overrides). */
const kpsFullname = (release: string) =>
  trunc(release.includes('kube-prometheus-stack') ? release : `${release}-kube-prometheus-stack`, 26);
/** The grafana subchart's "grafana.fullname" (63, no overrides): its Service's name. */
const grafanaFullname = (release: string) => trunc(release.includes('grafana') ? release : `${release}-grafana`, 63);

describe('kube-prometheus-stack', () => {
  const release = () => aks.one(RELEASE, 'kube-prometheus-stack').inputs;

  it('is a named release, so the Services the exported port-forward commands name are the ones the chart makes', () => {
    // unnamed, Pulumi would call it kube-prometheus-stack-<random hex>, and every Service name would carry the hex
    expect(release().name).toEqual(expect.any(String));
    const name = release().name as string;
    expect(release().namespace).toBe(MONITORING);
    const commands = aks.outputs.observeCommands as Record<string, string>;
    expect(commands.prometheus).toContain(`-n ${MONITORING} svc/${kpsFullname(name)}-prometheus 9090:9090`);
    expect(commands.grafana).toContain(`-n ${MONITORING} svc/${grafanaFullname(name)} 3001:80`);
    // the rule at work: a release name without the chart's name gets it appended, then cut at 26 characters
    expect(`${kpsFullname('kube-prometheus-stack')}-prometheus`).toBe('kube-prometheus-stack-prometheus');
    expect(`${kpsFullname('monitoring')}-prometheus`).toBe('monitoring-kube-prometheus-prometheus');
  });

  it("gives Grafana a generated admin password from a Secret, never the chart's default and never an output", () => {
    const admin = release().values.grafana.admin;
    expect(admin).toEqual({
      existingSecret: GRAFANA_ADMIN.name,
      userKey: GRAFANA_ADMIN.userKey,
      passwordKey: GRAFANA_ADMIN.passwordKey,
    });
    const secret = aks.one('kubernetes:core/v1:Secret', GRAFANA_ADMIN.name).inputs;
    expect(secret.metadata.namespace).toBe(MONITORING);
    const password = secret.stringData[GRAFANA_ADMIN.passwordKey];
    expect(password).toBe('generated-grafana-admin-password');
    expect(JSON.stringify(aks.outputs)).not.toContain(password);
    expect(release().values.grafana.adminPassword).toBeUndefined();
  });

  it('runs Jaeger v2 (1.x is end of life), receiving OTLP on 4317', () => {
    const jaeger = local.one('kubernetes:apps/v1:Deployment', 'jaeger').inputs.spec.template.spec.containers[0];
    expect(jaeger.image).toBe(JAEGER_IMAGE);
    expect(jaeger.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(jaeger.ports).toContainEqual({ name: 'otlp-grpc', containerPort: 4317 });
  });
});

describe('Strimzi', () => {
  it('installs the operator from its OCI home as a named release', () => {
    const strimzi = local.one(RELEASE, 'strimzi').inputs;
    expect(strimzi.chart).toBe(STRIMZI_CHART);
    expect(strimzi.chart).toMatch(/^oci:\/\//);
    expect(strimzi.repositoryOpts).toBeUndefined();
    expect(strimzi).toMatchObject({ name: 'strimzi', namespace: KAFKA_NAMESPACE, version: '0.48.0' });
  });

  it("applies the CRDs of the installed version itself (Helm installs a chart's CRDs once, never upgrades them)", () => {
    const strimzi = local.one(RELEASE, 'strimzi');
    expect(strimzi.inputs.skipCrds).toBe(true);
    expect(strimzi.dependsOn).toContain(`${CONFIG_GROUP}::strimzi-crds`);
    expect(local.one(CONFIG_GROUP, 'strimzi-crds').inputs.files).toEqual([STRIMZI_CRDS]);
    expect(STRIMZI_CRDS).toBe(
      `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${strimzi.inputs.version}/strimzi-crds-${strimzi.inputs.version}.yaml`,
    );
  });

  it('sets no annotation Strimzi 0.48 ignores, and has Pulumi wait until the cluster and each topic are Ready', () => {
    const kafka = local.one('kubernetes:kafka.strimzi.io/v1beta2:Kafka', 'kafka').inputs;
    expect(Object.keys(kafka.metadata.annotations ?? {})).not.toContain('strimzi.io/kraft');
    expect(Object.keys(kafka.metadata.annotations ?? {})).not.toContain('strimzi.io/node-pools');
    expect(kafka.metadata.annotations['pulumi.com/waitFor']).toBe('condition=Ready');
    const topics = local.of('kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic');
    expect(topics.length).toBeGreaterThan(0);
    for (const t of topics) expect(t.inputs.metadata.annotations['pulumi.com/waitFor']).toBe('condition=Ready');
    // the pub/sub component, and so every app, comes after them: its broker address is their output
    const pubsub = local.one('kubernetes:dapr.io/v1alpha1:Component', COMPONENTS.pubsub);
    for (const r of [local.one('kubernetes:kafka.strimzi.io/v1beta2:Kafka', 'kafka'), ...topics])
      expect(pubsub.dependsOn).toContain(`${r.type}::${r.name}`);
  });
});

const missing = daprModuleMissing();
if (missing) console.warn(`infra/test/charts.test.ts: dapr chart checks skipped: ${missing}`);
const describeIfGo = missing ? describe.skip : describe;

describeIfGo('Dapr, against the chart and injector of the pinned version', () => {
  let chart: string;
  let annotationKeys: Set<string>;
  beforeAll(() => {
    const dir = daprModuleDir();
    chart = join(dir, 'charts', 'dapr');
    const source = readFileSync(join(dir, 'pkg', 'injector', 'annotations', 'annotations.go'), 'utf8');
    annotationKeys = new Set([...source.matchAll(/^\s*Key\w+\s*=\s*"(dapr\.io\/[^"]+)"/gm)].map((m) => m[1] as string));
  }, 300_000);

  const yamlAt = (...path: string[]) => parse(readFileSync(join(chart, ...path), 'utf8'));

  it('is the release `dapr` in dapr-system, as the dapr CLI expects and as the chart labels its pods', () => {
    // dapr/cli: daprReleaseName = "dapr", dashboardReleaseName = "dapr-dashboard" (`dapr status|upgrade|dashboard -k`)
    for (const run of [local, aks]) {
      expect(run.one(RELEASE, 'dapr').inputs).toMatchObject({ name: 'dapr', namespace: 'dapr-system', chart: 'dapr' });
      expect(run.one(RELEASE, 'dapr-dashboard').inputs.name).toBe('dapr-dashboard');
    }
    expect(yamlAt('Chart.yaml').name).toBe('dapr');
    const labels = yamlAt('values.yaml').global.k8sLabels;
    expect(labels['app.kubernetes.io/name']).toBe('{{ .Release.Name }}');
    // our control-plane PodMonitor selects what the chart labels every control-plane pod with
    const selector = aks.one('kubernetes:monitoring.coreos.com/v1:PodMonitor', 'dapr-control-plane').inputs.spec
      .selector.matchLabels;
    for (const [key, value] of Object.entries(selector)) expect(labels[key]).toBe(value);
  });

  it("applies the chart's own CRDs of the installed version, and the release and every Dapr resource come after", () => {
    expect([...DAPR_CRD_FILES].sort()).toEqual(
      readdirSync(join(chart, 'crds'))
        .map((f) => f.replace(/\.yaml$/, ''))
        .sort(),
    );
    for (const run of [local, aks]) {
      const release = run.one(RELEASE, 'dapr');
      expect(release.inputs.skipCrds).toBe(true);
      expect(release.dependsOn).toContain(`${CONFIG_GROUP}::dapr-crds`);
      expect(run.one(CONFIG_GROUP, 'dapr-crds').inputs.files).toEqual(
        DAPR_CRD_FILES.map((f) => daprCrdUrl(release.inputs.version, f)),
      );
      for (const cr of run.resources.filter((r) => r.type.startsWith('kubernetes:dapr.io/')))
        expect(dependsOnTransitively(run, cr, `${CONFIG_GROUP}::dapr-crds`)).toBe(true);
    }
    // the URL serves the same tree the module zip holds: the tag of the version
    expect(daprCrdUrl('1.18.2', 'components')).toBe(
      'https://raw.githubusercontent.com/dapr/dapr/v1.18.2/charts/dapr/crds/components.yaml',
    );
  });

  it('sets only value keys the chart has: global.* in the chart, <subchart>.* in that subchart', () => {
    const has = (values: unknown, path: string[]): boolean => {
      if (path.length === 0) return true;
      if (!values || typeof values !== 'object') return false;
      const [head, ...rest] = path as [string, ...string[]];
      return head in values && has((values as Record<string, unknown>)[head], rest);
    };
    const leaves = (value: unknown, path: string[] = []): string[][] =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
        : [path];
    for (const run of [local, aks]) {
      const set = leaves(run.one(RELEASE, 'dapr').inputs.values);
      expect(set.length).toBeGreaterThan(4);
      for (const path of set) {
        const [top, ...rest] = path as [string, ...string[]];
        const values = top === 'global' ? yamlAt('values.yaml') : yamlAt('charts', top, 'values.yaml');
        const where = top === 'global' ? path : rest;
        expect({ key: path.join('.'), inChart: has(values, where) }).toEqual({ key: path.join('.'), inChart: true });
      }
    }
  });

  it('puts on every pod only dapr.io annotations the injector of this version reads', () => {
    expect(annotationKeys.size).toBeGreaterThan(40);
    expect(annotationKeys).toContain('dapr.io/enable-native-sidecar');
    for (const run of [local, aks]) {
      const templates = [
        ...run.of('kubernetes:apps/v1:Deployment').filter((d) => d.inputs.metadata.namespace === NAMESPACE),
        ...run.of('kubernetes:batch/v1:Job'),
      ];
      expect(templates.length).toBe(5);
      for (const t of templates) {
        const keys = Object.keys(t.inputs.spec.template.metadata.annotations).filter((k) => k.startsWith('dapr.io/'));
        for (const key of keys) expect({ key, known: annotationKeys.has(key) }).toEqual({ key, known: true });
      }
    }
  });

  it('the pods that need the injector come after the release (by the Dapr resources they wait for)', () => {
    for (const d of local.of('kubernetes:apps/v1:Deployment').filter((x) => x.inputs.metadata.namespace === NAMESPACE))
      expect(dependsOnTransitively(local, d, `${RELEASE}::dapr`)).toBe(true);
  });
});
