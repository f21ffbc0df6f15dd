// One image per app, built from the repository's Dockerfile with docker-build: pushed to the stack's registry in the
// cloud, loaded into Minikube's Docker daemon locally (run `eval $(minikube docker-env)` first).
// (docker-build over @pulumi/command: BuildKit caching, multi-platform and registry auth as typed inputs, a digest out.)
import * as dockerbuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import type { Cluster } from '../cluster';

const ROOT = `${__dirname}/../..`;

export function appImage(
  appDir: string,
  tag: string,
  cluster: Cluster,
  opts: pulumi.CustomResourceOptions,
  build = true,
): pulumi.Output<string> {
  if (!cluster.imageRepository) {
    const ref = `todo-chatbot/${appDir}:${tag}`;
    // images already loaded into the cluster (kind in the e2e job): deploy them as they are
    if (!build) return pulumi.output(ref);
    new dockerbuild.Image(
      `${appDir}-image`,
      {
        context: { location: ROOT },
        dockerfile: { location: `${ROOT}/Dockerfile` },
        buildArgs: { APP: appDir },
        tags: [ref],
        push: false,
        exports: [{ docker: {} }],
        buildOnPreview: false,
      },
      opts,
    );
    return pulumi.output(ref);
  }
  const ref = pulumi.interpolate`${cluster.imageRepository}/${appDir}:${tag}`;
  const image = new dockerbuild.Image(
    `${appDir}-image`,
    {
      context: { location: ROOT },
      dockerfile: { location: `${ROOT}/Dockerfile` },
      buildArgs: { APP: appDir },
      platforms: ['linux/amd64'],
      tags: [ref],
      push: true,
      // a preview (every pull request) shows the change without building four images
      buildOnPreview: false,
      registries: cluster.registry ? [cluster.registry] : undefined,
      cacheFrom: [{ registry: { ref: pulumi.interpolate`${cluster.imageRepository}/${appDir}:cache` } }],
      cacheTo: [{ registry: { ref: pulumi.interpolate`${cluster.imageRepository}/${appDir}:cache`, mode: 'max' } }],
    },
    opts,
  );
  // deploy by digest: a new build rolls the pods even when the tag stays the same
  return pulumi.interpolate`${cluster.imageRepository}/${appDir}@${image.digest}`;
}
