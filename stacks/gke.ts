// gke: a GKE cluster without its default pool, an autoscaling node pool, and an Artifact Registry repository.
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Cluster, RegistryLogin } from '../infra/cluster';

export interface GkeArgs {
  nodeSize: string;
  minNodes: number;
  maxNodes: number;
}

export class GkeCluster extends pulumi.ComponentResource implements Cluster {
  readonly provider: k8s.Provider;
  readonly imageRepository: pulumi.Output<string>;
  readonly registry: RegistryLogin;
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: GkeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo:stacks:GkeCluster', name, {}, opts);
    const parent = { parent: this };
    const gcpConfig = new pulumi.Config('gcp');
    const region = gcpConfig.require('region');
    const project = gcpConfig.require('project');
    // the default pool cannot autoscale the way we want: remove it and bring our own
    const cluster = new gcp.container.Cluster(
      `${name}-gke`,
      {
        location: region,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: false,
        releaseChannel: { channel: 'REGULAR' },
        workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
        loggingService: 'logging.googleapis.com/kubernetes',
        monitoringService: 'monitoring.googleapis.com/kubernetes',
      },
      parent,
    );
    new gcp.container.NodePool(
      `${name}-pool`,
      {
        cluster: cluster.name,
        location: region,
        initialNodeCount: args.minNodes,
        autoscaling: { minNodeCount: args.minNodes, maxNodeCount: args.maxNodes },
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: {
          machineType: args.nodeSize,
          oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
          workloadMetadataConfig: { mode: 'GKE_METADATA' },
        },
      },
      parent,
    );
    const repository = new gcp.artifactregistry.Repository(
      `${name}-images`,
      { location: region, repositoryId: `${name}-images`.toLowerCase(), format: 'DOCKER' },
      parent,
    );
    this.imageRepository = pulumi.interpolate`${region}-docker.pkg.dev/${project}/${repository.repositoryId}`;
    const client = gcp.organizations.getClientConfigOutput();
    this.registry = {
      address: `${region}-docker.pkg.dev`,
      username: 'oauth2accesstoken',
      password: pulumi.secret(client.accessToken),
    };
    this.kubeconfig = pulumi.secret(
      pulumi.interpolate`apiVersion: v1
kind: Config
clusters:
- name: gke
  cluster:
    certificate-authority-data: ${cluster.masterAuth.clusterCaCertificate}
    server: https://${cluster.endpoint}
contexts:
- name: gke
  context: { cluster: gke, user: gke }
current-context: gke
users:
- name: gke
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      provideClusterInfo: true
`,
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      parent,
    );
    this.registerOutputs({ kubeconfig: this.kubeconfig, imageRepository: this.imageRepository });
  }
}
