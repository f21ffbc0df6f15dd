// Runs the whole program under Pulumi's mocks with a stack's config file, recording every resource, its inputs and
// what it depends on (by dependsOn or through the outputs in its inputs), and resolving the exports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';

export interface Recorded {
  type: string;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: resource inputs are whatever the program passed
  inputs: any;
  /** Resources named in dependsOn, and those whose outputs flow into its inputs. */
  dependsOn: string[];
  parent?: string;
}

export interface StackRun {
  resources: Recorded[];
  outputs: Record<string, unknown>;
  secretOutputs: Set<string>;
  of(type: string): Recorded[];
  one(type: string, name: string): Recorded;
}

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** Secret values reach the mocks wrapped; tests look at the values. */
// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary JSON
const unwrap = (value: any): any => {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === 'object') {
    if (SECRET_SIG in value) return unwrap(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
};

// biome-ignore lint/suspicious/noExplicitAny: mock state
function stateFor(type: string, name: string, inputs: any): Record<string, unknown> {
  switch (type) {
    case 'azure-native:containerservice:ManagedCluster':
      return { ...inputs, name, identityProfile: { kubeletidentity: { objectId: 'kubelet-object-id' } } };
    case 'azure-native:containerregistry:Registry':
      return { ...inputs, name, loginServer: `${name}.azurecr.io` };
    case 'azure-native:resources:ResourceGroup':
      return { ...inputs, name };
    case 'kubernetes:helm.sh/v3:Release':
      return { ...inputs, status: { name: inputs.name ?? `${name}-0a1b2c3d`, namespace: inputs.namespace } };
    case 'gcp:serviceaccount/account:Account':
      return { ...inputs, email: `${inputs.accountId}@my-gcp-project.iam.gserviceaccount.com` };
    case 'gcp:container/cluster:Cluster':
      return { ...inputs, name, endpoint: '203.0.113.10', masterAuth: { clusterCaCertificate: 'Q0EgZGF0YQ==' } };
    case 'docker-build:index:Image':
      return { ...inputs, digest: 'sha256:0123456789abcdef' };
    case 'random:index/randomPassword:RandomPassword':
      return { ...inputs, result: `generated-${name}` };
    case 'kubernetes:core/v1:Service':
      return { ...inputs, status: { loadBalancer: { ingress: [{ ip: '198.51.100.7' }] } } };
    default:
      return inputs;
  }
}

/** The resources whose outputs appear anywhere in a resource's inputs. */
async function outputSources(value: unknown, seen = new Set<unknown>()): Promise<pulumi.Resource[]> {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  if (pulumi.Output.isInstance(value)) {
    // allResources is the SDK's own record of where an output came from (internal, stable since 3.x)
    const all = (value as unknown as { allResources?: () => Promise<Set<pulumi.Resource>> }).allResources;
    return all ? [...(await all.call(value))] : [];
  }
  if (pulumi.Resource.isInstance(value)) return [];
  const parts = await Promise.all(Object.values(value as object).map((v) => outputSources(v, seen)));
  return parts.flat();
}

// biome-ignore lint/suspicious/noExplicitAny: mock call results
function callFor(token: string, inputs: any): Record<string, unknown> {
  switch (token) {
    case 'azure-native:authorization:getClientConfig':
      return { subscriptionId: 'sub-1', tenantId: 'tenant-1', clientId: 'client-1', objectId: 'object-1' };
    case 'azure-native:containerservice:listManagedClusterUserCredentials':
      return {
        kubeconfigs: [{ name: 'clusterUser', value: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64') }],
      };
    case 'azure-native:containerregistry:listRegistryCredentials':
      return { username: 'acr-user', passwords: [{ name: 'password', value: 'acr-password' }] };
    case 'gcp:organizations/getClientConfig:getClientConfig':
      return { accessToken: 'ya29.test-token', project: 'my-gcp-project', region: 'europe-west1', zone: '', id: 'x' };
    default:
      return inputs;
  }
}

export async function runStack(
  stack: 'local' | 'aks' | 'gke',
  extra: Record<string, string> = {},
  secrets: Record<string, string> = {},
): Promise<StackRun> {
  const file = parse(readFileSync(join(__dirname, '..', '..', `Pulumi.${stack}.yaml`), 'utf8')) as {
    config: Record<string, string>;
  };
  // the SDK reads config once per process: set it for this run explicitly
  pulumi.runtime.setAllConfig({ ...file.config, ...extra, ...secrets }, Object.keys(secrets));
  const resources: Recorded[] = [];
  const deps = new Map<string, { dependsOn: string[]; parent?: string; fromOutputs: Promise<pulumi.Resource[]> }>();
  const names = new Map<pulumi.Resource, string>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: unwrap(args.inputs), dependsOn: [] });
        return { id: `${args.name}-id`, state: stateFor(args.type, args.name, args.inputs) };
      },
      call(args) {
        return callFor(args.token, args.inputs);
      },
    },
    'todo-chatbot',
    stack,
    false,
  );
  let outputs: Record<string, unknown> = {};
  const secretOutputs = new Set<string>();
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const key = `${args.type}::${args.name}`;
      names.set(args.resource, key);
      const list = args.opts.dependsOn
        ? Array.isArray(args.opts.dependsOn)
          ? args.opts.dependsOn
          : [args.opts.dependsOn]
        : [];
      deps.set(key, {
        dependsOn: list.map((r) => names.get(r as pulumi.Resource) ?? '?'),
        parent: args.opts.parent ? names.get(args.opts.parent) : undefined,
        fromOutputs: outputSources(args.props),
      });
      return undefined;
    });
    let program: Record<string, unknown> = {};
    jest.isolateModules(() => {
      program = require('../index');
    });
    for (const [key, value] of Object.entries(program)) {
      if (pulumi.Output.isInstance(value)) {
        outputs[key] = await new Promise((resolve) => value.apply(resolve));
        if (await (value as unknown as { isSecret: Promise<boolean> }).isSecret) secretOutputs.add(key);
      } else outputs[key] = value;
    }
    outputs = { ...outputs };
    return {};
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const r of resources) {
    const d = deps.get(`${r.type}::${r.name}`);
    if (d) {
      const fromOutputs = (await d.fromOutputs).map((x) => names.get(x) ?? '?');
      r.dependsOn = [...new Set([...d.dependsOn, ...fromOutputs])];
      r.parent = d.parent;
    }
  }
  return {
    resources,
    outputs,
    secretOutputs,
    of: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found)
        throw new Error(
          `no ${type} named ${name}; have: ${resources
            .filter((r) => r.type === type)
            .map((r) => r.name)
            .join(', ')}`,
        );
      return found;
    },
  };
}

/** What a resource depends on, directly or through the components it is inside of. */
export function dependsOnTransitively(run: StackRun, resource: Recorded, target: string): boolean {
  const seen = new Set<string>();
  const stack = [resource];
  while (stack.length) {
    const r = stack.pop() as Recorded;
    if (r.dependsOn.includes(target)) return true;
    for (const key of [...r.dependsOn, ...(r.parent ? [r.parent] : [])]) {
      if (seen.has(key)) continue;
      seen.add(key);
      const [type, name] = key.split('::');
      const next = run.resources.find((x) => x.type === type && x.name === name);
      if (next) stack.push(next);
    }
  }
  return false;
}
