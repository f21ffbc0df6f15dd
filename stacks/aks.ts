// aks: a resource group, a managed identity, an AKS cluster (system + autoscaling user pool) and a registry it can pull from.
import * as authorization from '@pulumi/azure-native/authorization';
import * as containerregistry from '@pulumi/azure-native/containerregistry';
import * as containerservice from '@pulumi/azure-native/containerservice';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as resources from '@pulumi/azure-native/resources';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { CloudClusterArgs, Cluster, RegistryLogin } from './cluster';

const ACR_PULL_ROLE = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

export class AksCluster extends pulumi.ComponentResource implements Cluster {
  readonly provider: k8s.Provider;
  readonly imageRepository: pulumi.Output<string>;
  readonly registry: RegistryLogin;
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: CloudClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo:stacks:AksCluster', name, {}, opts);
    const parent = { parent: this };
    const group = new resources.ResourceGroup(`${name}-rg`, {}, parent);
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceGroupName: group.name },
      parent,
    );
    const cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceGroupName: group.name,
        dnsPrefix: `${name}-aks`,
        enableRBAC: true,
        identity: { type: 'UserAssigned', userAssignedIdentities: [identity.id] },
        agentPoolProfiles: [
          // the system pool runs the cluster's own pods; the user pool scales with the apps
          {
            name: 'system',
            mode: 'System',
            count: 1,
            vmSize: args.nodeSize,
            osType: 'Linux',
            type: 'VirtualMachineScaleSets',
          },
          {
            name: 'user',
            mode: 'User',
            count: args.minNodes,
            minCount: args.minNodes,
            maxCount: args.maxNodes,
            enableAutoScaling: true,
            vmSize: args.nodeSize,
            osType: 'Linux',
            type: 'VirtualMachineScaleSets',
          },
        ],
      },
      parent,
    );
    const registry = new containerregistry.Registry(
      `${name}acr`.replace(/[^a-z0-9]/gi, ''),
      { resourceGroupName: group.name, sku: { name: 'Basic' }, adminUserEnabled: true },
      parent,
    );
    const client = authorization.getClientConfigOutput();
    // the kubelet pulls the apps' images from the registry with its own identity
    new authorization.RoleAssignment(
      `${name}-acr-pull`,
      {
        principalId: cluster.identityProfile.apply((p) => p?.kubeletidentity?.objectId ?? ''),
        principalType: 'ServicePrincipal',
        roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE}`,
        scope: registry.id,
      },
      parent,
    );
    const credentials = containerregistry.listRegistryCredentialsOutput({
      resourceGroupName: group.name,
      registryName: registry.name,
    });
    this.registry = {
      address: registry.loginServer,
      username: credentials.apply((c) => c.username ?? ''),
      password: pulumi.secret(credentials.apply((c) => c.passwords?.[0]?.value ?? '')),
    };
    this.imageRepository = pulumi.interpolate`${registry.loginServer}/todo-chatbot`;
    const creds = containerservice.listManagedClusterUserCredentialsOutput({
      resourceGroupName: group.name,
      resourceName: cluster.name,
    });
    this.kubeconfig = pulumi.secret(
      creds.kubeconfigs.apply((k) => Buffer.from(k[0]?.value ?? '', 'base64').toString('utf8')),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      parent,
    );
    this.registerOutputs({ kubeconfig: this.kubeconfig, imageRepository: this.imageRepository });
  }
}
