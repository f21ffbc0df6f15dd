// What every stack's cluster gives the rest of the program, and what the cloud stacks take to make one.
import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';

export interface RegistryLogin {
  address: pulumi.Input<string>;
  username: pulumi.Input<string>;
  password: pulumi.Input<string>;
}

export interface Cluster {
  provider: k8s.Provider;
  /** Where images go, e.g. myregistry.azurecr.io/todo-chatbot; undefined: the cluster's own Docker daemon (Minikube). */
  imageRepository?: pulumi.Output<string>;
  registry?: RegistryLogin;
  /** Kubeconfig of a cluster we created (a secret); undefined when we adopted one. */
  kubeconfig?: pulumi.Output<string>;
}

/** A cluster made in the cloud (AKS, GKE): the apps' node size and their autoscaler's bounds, counted over the whole pool. */
export interface CloudClusterArgs {
  nodeSize: string;
  minNodes: number;
  maxNodes: number;
}
