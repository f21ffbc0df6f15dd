// One image per app, built from the repository's Dockerfile with docker-build. In the cloud it is pushed to the
// stack's registry and deployed by digest; on Minikube it is loaded into the cluster's Docker daemon (run
// `eval $(minikube docker-env)` first) under a tag hashed from the build context. Either way a new build changes the
// pod spec, and the reference comes out of the build, so no pod is created before its image exists.
// (docker-build over @pulumi/command: BuildKit caching, multi-platform and registry auth as typed inputs, a digest out.)
import { join } from 'node:path';
import * as dockerbuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import type { Cluster } from '../../stacks/cluster';
import { contextHash } from './build-context';

export const BUILD_CONTEXT = join(__dirname, '..', '..');

let contextTag: string | undefined;
/** The build context's hash, read once per run: every app's image is built from the same context. */
const buildContextTag = () => (contextTag ??= contextHash(BUILD_CONTEXT));

export interface ImageArgs {
  cluster: Cluster;
  /** The tag pushed to a registry (each stack its own); also the tag of images loaded by hand when build is false. */
  tag: string;
  /** false: deploy `todo-chatbot/<app>:<tag>` already loaded into the cluster (kind in the e2e job). */
  build: boolean;
}

/** The image reference the app's pods run; each app's folder under apps/ is named after its app id. */
export function appImage(appDir: string, args: ImageArgs): pulumi.Output<string> {
  if (!args.build) return pulumi.output(`todo-chatbot/${appDir}:${args.tag}`);
  const repository = args.cluster.imageRepository;
  const name = repository ? pulumi.interpolate`${repository}/${appDir}` : pulumi.output(`todo-chatbot/${appDir}`);
  const cache = pulumi.interpolate`${name}:cache`;
  const image = new dockerbuild.Image(`${appDir}-image`, {
    context: { location: BUILD_CONTEXT },
    dockerfile: { location: join(BUILD_CONTEXT, 'Dockerfile') },
    buildArgs: { APP: appDir },
    // a preview (every pull request) shows the change without building four images
    buildOnPreview: false,
    ...(repository
      ? {
          tags: [pulumi.interpolate`${name}:${args.tag}`],
          platforms: ['linux/amd64' as const],
          push: true,
          registries: args.cluster.registry ? [args.cluster.registry] : undefined,
          cacheFrom: [{ registry: { ref: cache } }],
          cacheTo: [{ registry: { ref: cache, mode: 'max' as const } }],
        }
      : {
          // the kubelet never pulls (imagePullPolicy Never): the tag must change whenever the build does
          tags: [pulumi.interpolate`${name}:${buildContextTag()}`],
          push: false,
          exports: [{ docker: {} }],
        }),
  });
  return repository
    ? pulumi.interpolate`${name}@${image.digest}`
    : image.tags.apply((tags) => {
        if (!tags?.[0]) throw new Error(`${appDir}-image has no tag`);
        return tags[0];
      });
}
