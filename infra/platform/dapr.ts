// Dapr's control plane from its Helm chart (HA in the cloud, mTLS on, scheduler on persistent storage), and the dashboard.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

export const DAPR_SYSTEM = 'dapr-system';
const REPO = 'https://dapr.github.io/helm-charts/';

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
  readonly release: k8s.helm.v3.Release;
  readonly dashboard?: k8s.helm.v3.Release;

  constructor(name: string, args: DaprArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Dapr', name, {}, opts);
    this.release = new k8s.helm.v3.Release(
      'dapr',
      {
        chart: 'dapr',
        version: args.version,
        namespace: DAPR_SYSTEM,
        createNamespace: true,
        repositoryOpts: { repo: REPO },
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
      { parent: this },
    );
    if (args.dashboard) {
      // deprecated upstream since Dapr 1.18 (the repository is archived); the spec asks for it and its last chart installs
      this.dashboard = new k8s.helm.v3.Release(
        'dapr-dashboard',
        {
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
