// local: adopt the Minikube cluster of this machine's kubeconfig; images build into Minikube's Docker daemon.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Cluster } from './cluster';

export class LocalCluster extends pulumi.ComponentResource implements Cluster {
  readonly provider: k8s.Provider;

  constructor(name: string, args: { context: string }, opts?: pulumi.ComponentResourceOptions) {
    super('todo:stacks:LocalCluster', name, {}, opts);
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { context: args.context, enableServerSideApply: true },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
