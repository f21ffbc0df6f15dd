// What every stack's cluster gives the rest of the program.
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
