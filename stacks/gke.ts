// gke: a GKE cluster without its default pool, an autoscaling regional node pool running as its own service account,
// and an Artifact Registry repository that account may pull from.
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { CloudClusterArgs, Cluster, RegistryLogin } from './cluster';

export class GkeCluster extends pulumi.ComponentResource implements Cluster {
  readonly provider: k8s.Provider;
  readonly imageRepository: pulumi.Output<string>;
  readonly registry: RegistryLogin;
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: CloudClusterArgs, opts?: pulumi.ComponentResourceOptions) {
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
    const repository = new gcp.artifactregistry.Repository(
      `${name}-images`,
      { location: region, repositoryId: `${name}-images`.toLowerCase(), format: 'DOCKER' },
      parent,
    );
    // the nodes' own identity, not the Compute Engine default account (which new projects no longer make an Editor):
    // what a node needs to report logs and metrics, and read access to our images
    const nodes = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      {
        accountId: `${name}-nodes`
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, '-')
          .slice(0, 30),
        displayName: 'GKE nodes',
      },
      parent,
    );
    const member = pulumi.interpolate`serviceAccount:${nodes.email}`;
    const nodeRole = new gcp.projects.IAMMember(
      `${name}-nodes-default`,
      { project, role: 'roles/container.defaultNodeServiceAccount', member },
      parent,
    );
    const pull = new gcp.artifactregistry.RepositoryIamMember(
      `${name}-nodes-pull`,
      { project, location: region, repository: repository.repositoryId, role: 'roles/artifactregistry.reader', member },
      parent,
    );
    // a regional pool: initialNodeCount and min/maxNodeCount count per zone, the total* bounds count the whole pool
    new gcp.container.NodePool(
      `${name}-pool`,
      {
        cluster: cluster.name,
        location: region,
        initialNodeCount: 1,
        autoscaling: { totalMinNodeCount: args.minNodes, totalMaxNodeCount: args.maxNodes, locationPolicy: 'BALANCED' },
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: {
          machineType: args.nodeSize,
          serviceAccount: nodes.email,
          oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
          workloadMetadataConfig: { mode: 'GKE_METADATA' },
        },
      },
      // nodes that start before their account's roles exist cannot pull images or register
      { ...parent, dependsOn: [nodeRole, pull] },
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
