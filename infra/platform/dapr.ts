// Dapr's control plane from its Helm chart (HA in the cloud, mTLS on, scheduler on persistent storage), and the dashboard.
// Helm installs a chart's CRDs once and never upgrades them: the program applies the CRDs of the version it installs
// itself (server-side apply), so a version bump brings its CRDs along.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

export const DAPR_SYSTEM = 'dapr-system';
const REPO = 'https://dapr.github.io/helm-charts/';
/** The release names the dapr CLI looks for (`dapr status -k`, `dapr upgrade -k`, `dapr dashboard -k`). */
export const DAPR_RELEASE_NAME = 'dapr';
export const DASHBOARD_RELEASE_NAME = 'dapr-dashboard';
/** The files of the chart's crds/ folder (infra/test/charts.test.ts compares them with the chart at daprVersion). */
export const DAPR_CRD_FILES = [
  'components',
  'configuration',
  'httpendpoints',
  'mcpservers',
  'resiliency',
  'subscription',
  'workflowaccesspolicy',
];
export const daprCrdUrl = (version: string, file: string) =>
  `https://raw.githubusercontent.com/dapr/dapr/v${version}/charts/dapr/crds/${file}.yaml`;

export interface DaprArgs {
  version: string;
  ha: boolean;
  /** Minikube's hostPath volumes need the scheduler to run as root. */
  minikube: boolean;
  storageClass: string;
  schedulerStorage: string;
  dashboard: boolean;
}

export class DaprPlatform extends pulumi.ComponentResource {
  readonly crds: k8s.yaml.v2.ConfigGroup;
  readonly release: k8s.helm.v3.Release;
  readonly dashboard?: k8s.helm.v3.Release;

  constructor(name: string, args: DaprArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Dapr', name, {}, opts);
    this.crds = new k8s.yaml.v2.ConfigGroup(
      'dapr-crds',
      { files: DAPR_CRD_FILES.map((file) => daprCrdUrl(args.version, file)) },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      'dapr',
      {
        // named, not `dapr-<random>`: the CLI and the chart's labels (app.kubernetes.io/name) expect `dapr`
        name: DAPR_RELEASE_NAME,
        chart: 'dapr',
        version: args.version,
        namespace: DAPR_SYSTEM,
        createNamespace: true,
        repositoryOpts: { repo: REPO },
        skipCrds: true,
        // wait until the injector and the CRDs are ready: resources and pods created before would miss them
        waitForJobs: true,
        atomic: true,
        timeout: 900,
        values: {
          global: { ha: { enabled: args.ha }, mtls: { enabled: true }, logAsJson: true },
          dapr_scheduler: {
            cluster: { storageClassName: args.storageClass, storageSize: args.schedulerStorage },
            ...(args.minikube ? { securityContext: { runAsNonRoot: false } } : {}),
          },
        },
      },
      { parent: this, dependsOn: [this.crds] },
    );
    if (args.dashboard) {
      // deprecated upstream since Dapr 1.18 (the repository is archived); the spec asks for it and its last chart installs
      this.dashboard = new k8s.helm.v3.Release(
        'dapr-dashboard',
        {
          name: DASHBOARD_RELEASE_NAME,
          chart: 'dapr-dashboard',
          version: '0.15.0',
          namespace: DAPR_SYSTEM,
          repositoryOpts: { repo: REPO },
          values: { runAsNonRoot: true },
        },
        { parent: this, dependsOn: [this.release] },
      );
    }
    this.registerOutputs({});
  }
}
