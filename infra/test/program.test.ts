// The whole program per stack under Pulumi's mocks: what it would create, with which inputs, in which order.

import * as pulumi from '@pulumi/pulumi';
import {
  ALL_APP_IDS,
  APP_IDS,
  APP_TOKEN_SECRET,
  COMPONENTS,
  DAPR_API_TOKEN_SECRET,
  daprConfigName,
  deadLetterTopic,
  JOB_APP_IDS,
  KAFKA_CREDENTIALS_SECRET,
  NAMESPACE,
  SECRET,
  STATE_TABLE,
  TOPICS,
} from '@todo/contracts';
import { addResource, type Resources } from '@todo/local-sidecar';
import { readConfig } from '../config';
import { PUBSUB_USERS, SECRET_READERS, SIDECAR_IDS } from '../platform/dapr-resources';
import { APP_PORT } from '../workloads/dapr-app';
import { MIGRATION_DEADLINE_SECONDS } from '../workloads/migrations';
import { dependsOnTransitively, type Recorded, runStack, type StackRun } from './run-stack.test-helper';

const NEON = 'postgresql://user:neon-password@ep-x.eu-central-1.aws.neon.tech/todo?sslmode=require';
const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';
const COMPONENT = 'kubernetes:dapr.io/v1alpha1:Component';
const RELEASE = 'kubernetes:helm.sh/v3:Release';
const DAPR_RELEASE = `${RELEASE}::dapr`;

/** kubernetes-models for every core object: a typo in a field or a wrong type fails here, not in the cluster. */
function validateKubernetesObject(r: Recorded): void {
  const [, groupVersion, kind] = r.type.split(':') as [string, string, string];
  const module = groupVersion === 'core/v1' ? 'v1' : groupVersion;
  // biome-ignore lint/suspicious/noExplicitAny: the model classes are looked up by name
  const models = require(`kubernetes-models/${module}`) as Record<string, new (data: any) => { validate(): void }>;
  const Model = models[kind];
  if (!Model) throw new Error(`kubernetes-models has no ${module}/${kind}`);
  const apiVersion = groupVersion === 'core/v1' ? 'v1' : groupVersion;
  new Model({ ...r.inputs, apiVersion, kind }).validate();
}

/**
 * Every secret a component takes by secretKeyRef is readable where the component runs: its store is scoped to each of
 * the component's apps (else the component waits for the store for good) and a Role lets each app's service account
 * get that Secret (else the store's read is a 403 and daprd exits on the component's init error).
 */
function expectSecretRefsReadable(run: StackRun): void {
  const store = run.one(COMPONENT, COMPONENTS.secretStore).inputs;
  const bindings = run.of('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding').map((b) => b.inputs);
  const roles = run.of('kubernetes:rbac.authorization.k8s.io/v1:Role').map((r) => r.inputs);
  const mayGet = (account: string, secret: string) =>
    bindings.some(
      (b) =>
        b.subjects.some((s: { name: string }) => s.name === account) &&
        roles.some(
          (r) =>
            r.metadata.name === b.roleRef.name &&
            r.rules.some(
              (rule: { resourceNames: string[]; verbs: string[] }) =>
                rule.resourceNames.includes(secret) && rule.verbs.includes('get'),
            ),
        ),
    );
  for (const component of run.of(COMPONENT).map((c) => c.inputs)) {
    const refs = (component.spec.metadata as { secretKeyRef?: { name: string; key: string } }[]).flatMap((m) =>
      m.secretKeyRef ? [m.secretKeyRef] : [],
    );
    if (refs.length === 0) continue;
    expect(component.auth.secretStore).toBe(COMPONENTS.secretStore);
    for (const app of component.scopes as string[]) {
      expect({ component: component.metadata.name, app, storeScoped: store.scopes.includes(app) }).toEqual({
        component: component.metadata.name,
        app,
        storeScoped: true,
      });
      for (const ref of refs) {
        expect({ app, secret: ref.name, mayGet: mayGet(app, ref.name) }).toEqual({
          app,
          secret: ref.name,
          mayGet: true,
        });
        const secret = run
          .of('kubernetes:core/v1:Secret')
          .find((s) => s.inputs.metadata.name === ref.name && s.inputs.metadata.namespace === NAMESPACE);
        expect(Object.keys(secret?.inputs.stringData ?? {})).toContain(ref.key);
      }
    }
  }
}

const runs: Partial<Record<'local' | 'aks' | 'gke', StackRun>> = {};
beforeAll(async () => {
  runs.local = await runStack('local');
  runs.aks = await runStack('aks', {}, { 'todo-chatbot:databaseUrl': NEON });
  runs.gke = await runStack('gke', {}, { 'todo-chatbot:databaseUrl': NEON });
}, 120_000);

describe.each(['local', 'aks', 'gke'] as const)('stack %s', (stack) => {
  const run = () => runs[stack] as StackRun;
  const cloud = stack !== 'local';

  it('validates every Kubernetes core object against the Kubernetes schema', () => {
    const core = run().resources.filter((r) =>
      /^kubernetes:(core|apps|batch|policy|autoscaling|rbac\.authorization\.k8s\.io)\/v\d+:/.test(r.type),
    );
    expect(core.length).toBeGreaterThan(15);
    for (const r of core) {
      try {
        validateKubernetesObject(r);
      } catch (error) {
        throw new Error(`${r.type} ${r.name}: ${(error as Error).message}`);
      }
    }
  });

  it('installs Dapr from its chart with HA only in the cloud, mTLS on, and the Minikube scheduler fix only locally', () => {
    const values = run().one(RELEASE, 'dapr').inputs.values;
    expect(values.global).toMatchObject({ ha: { enabled: cloud }, mtls: { enabled: true } });
    expect(values.dapr_scheduler.cluster.storageSize).toBe(cloud ? '16Gi' : '1Gi');
    if (cloud) expect(values.dapr_scheduler.securityContext).toBeUndefined();
    else expect(values.dapr_scheduler.securityContext).toEqual({ runAsNonRoot: false });
    expect(run().one(RELEASE, 'dapr').inputs.version).toMatch(/^1\.(1[6-9]|[2-9]\d)\./);
    expect(run().one(RELEASE, 'dapr-dashboard').dependsOn).toContain(DAPR_RELEASE);
  });

  it('deploys the four apps as sidecar-injected workloads with names from the contracts', () => {
    const deployments = run()
      .of(DEPLOYMENT)
      .filter((d) => d.inputs.metadata.namespace === NAMESPACE);
    expect(deployments.map((d) => d.inputs.metadata.name).sort()).toEqual([...ALL_APP_IDS].sort());
    for (const d of deployments) {
      const annotations = d.inputs.spec.template.metadata.annotations;
      expect(annotations).toMatchObject({
        'dapr.io/enabled': 'true',
        'dapr.io/app-id': d.inputs.metadata.name,
        'dapr.io/config': daprConfigName(d.inputs.metadata.name),
        'dapr.io/app-token-secret': APP_TOKEN_SECRET.name,
        'dapr.io/api-token-secret': DAPR_API_TOKEN_SECRET.name,
        'dapr.io/log-as-json': 'true',
        'dapr.io/enable-api-logging': 'true',
      });
      const container = d.inputs.spec.template.spec.containers[0];
      // one port in every pod (the Dockerfile's), not the local run's per-app ports
      expect(container.ports[0]).toEqual({ name: 'http', containerPort: APP_PORT });
      expect(annotations['dapr.io/app-port']).toBe(String(APP_PORT));
      expect(container.env).toContainEqual({ name: 'APP_PORT', value: String(APP_PORT) });
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.resources.limits).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      // in the cloud the HorizontalPodAutoscaler owns the count: a replicas field would be applied back on every `up`
      expect(d.inputs.spec.replicas).toBe(cloud ? undefined : 1);
      if (cloud) {
        const hpa = run().one('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', d.inputs.metadata.name).inputs;
        expect(hpa.spec).toMatchObject({ minReplicas: 2, scaleTargetRef: { kind: 'Deployment', name: d.name } });
      }
      expect(dependsOnTransitively(run(), d, DAPR_RELEASE)).toBe(true);
      // each pod runs its own build: created after the image, and a new build is a new pod spec
      expect(dependsOnTransitively(run(), d, `docker-build:index:Image::${d.name}-image`)).toBe(true);
    }
  });

  it('puts PodDisruptionBudgets and autoscalers on cloud stacks only, and exposes the frontend', () => {
    expect(run().of('kubernetes:policy/v1:PodDisruptionBudget')).toHaveLength(cloud ? 4 : 0);
    expect(run().of('kubernetes:autoscaling/v2:HorizontalPodAutoscaler')).toHaveLength(cloud ? 4 : 0);
    const frontend = run().one('kubernetes:core/v1:Service', APP_IDS.frontend);
    expect(frontend.inputs.spec.type).toBe(cloud ? 'LoadBalancer' : 'NodePort');
    expect(run().one('kubernetes:core/v1:Service', APP_IDS.backend).inputs.spec.type).toBe('ClusterIP');
    expect(run().outputs.frontendUrl).toBe(
      cloud ? 'http://198.51.100.7' : `run: minikube service ${APP_IDS.frontend} -n ${NAMESPACE} --url`,
    );
  });

  it('runs the migrations as a Job before the backend rolls out, with a native sidecar and a deadline', () => {
    const job = run().one('kubernetes:batch/v1:Job', JOB_APP_IDS.backendMigrate);
    const annotations = job.inputs.spec.template.metadata.annotations;
    expect(annotations['dapr.io/app-id']).toBe(JOB_APP_IDS.backendMigrate);
    expect(annotations['dapr.io/config']).toBe(daprConfigName(JOB_APP_IDS.backendMigrate));
    // the sidecar as an init container that Kubernetes stops when the migration exits: the Job completes by itself
    expect(annotations['dapr.io/enable-native-sidecar']).toBe('true');
    // a sidecar that never becomes ready fails the Job (and the `up` waiting for it) instead of hanging
    expect(job.inputs.spec.activeDeadlineSeconds).toBe(MIGRATION_DEADLINE_SECONDS);
    expect(job.inputs.spec.template.spec.containers[0].image).toBe(
      run().one(DEPLOYMENT, APP_IDS.backend).inputs.spec.template.spec.containers[0].image,
    );
    expect(dependsOnTransitively(run(), job, 'docker-build:index:Image::backend-image')).toBe(true);
    const backend = run().one(DEPLOYMENT, APP_IDS.backend);
    expect(dependsOnTransitively(run(), backend, `kubernetes:batch/v1:Job::${JOB_APP_IDS.backendMigrate}`)).toBe(true);
    expect(backend.inputs.spec.template.spec.containers[0].env).toContainEqual({
      name: 'MIGRATE_ON_START',
      value: 'false',
    });
  });

  it('creates the Dapr resources after the Dapr release, each valid for Dapr and scoped to known app ids', () => {
    const resources: Resources = { components: [], subscriptions: [], resiliencies: [], ignored: [] };
    const crs = run().resources.filter((r) => r.type.startsWith('kubernetes:dapr.io/'));
    expect(crs.map((r) => r.inputs.kind).sort()).toEqual([
      'Component',
      'Component',
      'Component',
      ...SIDECAR_IDS.map(() => 'Configuration'),
      'Resiliency',
    ]);
    const configurations = crs.filter((r) => r.inputs.kind === 'Configuration').map((r) => r.inputs.metadata.name);
    expect(configurations.sort()).toEqual(SIDECAR_IDS.map(daprConfigName).sort());
    for (const r of crs) {
      addResource(resources, r.inputs, r.name);
      expect(dependsOnTransitively(run(), r, DAPR_RELEASE)).toBe(true);
      expect(r.inputs.metadata.namespace).toBe(NAMESPACE);
    }
    expect(resources.components.map((c) => c.metadata.name).sort()).toEqual(Object.values(COMPONENTS).sort());
    const known = [...ALL_APP_IDS, ...Object.values(JOB_APP_IDS)] as string[];
    for (const c of resources.components) {
      expect(c.scopes?.length).toBeGreaterThan(0);
      for (const scope of c.scopes ?? []) expect(known).toContain(scope);
    }
  });

  it('gives the state store its connection string only by reference to the secret', () => {
    const statestore = run().one(COMPONENT, COMPONENTS.stateStore).inputs;
    expect(statestore.spec.type).toBe('state.postgresql');
    expect(statestore.spec.metadata).toContainEqual({
      name: 'connectionString',
      secretKeyRef: { name: SECRET.name, key: SECRET.keys.databaseUrl },
    });
    expect(statestore.spec.metadata).toContainEqual({ name: 'tableName', value: STATE_TABLE });
    expect(
      JSON.stringify(
        run()
          .of(COMPONENT)
          .map((c) => c.inputs),
      ),
    ).not.toMatch(/neon-password|postgresql:\/\//);
  });

  it('configures kafka-pubsub for the in-cluster Kafka with every topic and its dead-letter topic declared', () => {
    const pubsub = run().one(COMPONENT, COMPONENTS.pubsub).inputs;
    expect(pubsub.spec.type).toBe('pubsub.kafka');
    expect(pubsub.spec.metadata).toEqual(
      expect.arrayContaining([
        { name: 'brokers', value: 'todo-kafka-kafka-bootstrap.kafka.svc:9092' },
        { name: 'consumerGroup', value: '{appID}' },
        { name: 'initialOffset', value: 'oldest' },
      ]),
    );
    const topics = run()
      .of('kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic')
      .map((t) => t.inputs.metadata.name)
      .sort();
    expect(topics).toEqual(
      Object.values(TOPICS)
        .flatMap((t) => [t, deadLetterTopic(t)])
        .sort(),
    );
    expect(
      dependsOnTransitively(
        run(),
        run().one(COMPONENT, COMPONENTS.pubsub),
        `kubernetes:kafka.strimzi.io/v1beta2:Kafka::kafka`,
      ),
    ).toBe(true);
  });

  it('makes every secret a component references readable by the sidecars of the apps it is scoped to', () => {
    expectSecretRefsReadable(run());
    // no external Kafka: no Kafka password, and the store stays with the apps that read the app secret
    expect(
      run()
        .of('kubernetes:rbac.authorization.k8s.io/v1:Role')
        .map((r) => r.name),
    ).toEqual(['read-app-secret']);
    expect(run().one(COMPONENT, COMPONENTS.secretStore).inputs.scopes).toEqual(SECRET_READERS);
  });

  it('lets only the apps that read secrets read the app secret', () => {
    const binding = run().one('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'read-app-secret').inputs;
    expect(binding.subjects.map((s: { name: string }) => s.name).sort()).toEqual(
      [APP_IDS.backend, APP_IDS.notificationService, JOB_APP_IDS.backendMigrate].sort(),
    );
    const role = run().one('kubernetes:rbac.authorization.k8s.io/v1:Role', 'read-app-secret').inputs;
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: [SECRET.name], verbs: ['get'] },
    ]);
  });
});

describe('secrets', () => {
  it('puts the Neon URL into the app secret on cloud stacks and an in-cluster Postgres on local', () => {
    const aks = (runs.aks as StackRun).one('kubernetes:core/v1:Secret', 'app-secret').inputs;
    expect(aks.stringData[SECRET.keys.databaseUrl]).toBe(NEON);
    expect(aks.stringData[SECRET.keys.authSecret]).toBe('generated-auth-secret');
    expect((runs.aks as StackRun).of('kubernetes:apps/v1:StatefulSet')).toHaveLength(0);
    const local = (runs.local as StackRun).one('kubernetes:core/v1:Secret', 'app-secret').inputs;
    expect(local.stringData[SECRET.keys.databaseUrl]).toBe(
      'postgresql://todo:generated-postgres-password@postgres.todo-chatbot.svc:5432/todo',
    );
    expect(
      (runs.local as StackRun).one('kubernetes:apps/v1:StatefulSet', 'postgres').inputs.spec.template.spec
        .securityContext.runAsNonRoot,
    ).toBe(true);
  });

  it('exports the kubeconfig of a created cluster as a secret', () => {
    for (const stack of ['aks', 'gke'] as const) {
      expect((runs[stack] as StackRun).secretOutputs).toContain('kubeconfig');
      expect(String((runs[stack] as StackRun).outputs.kubeconfig)).toContain('apiVersion: v1');
    }
    expect(String((runs.aks as StackRun).outputs.dashboardCommand)).toContain(
      'kubectl port-forward -n dapr-system svc/dapr-dashboard',
    );
  });
});

describe('clusters and registries', () => {
  it('aks: a managed identity cluster with a system and an autoscaling user pool, and pull rights on the registry', () => {
    const run = runs.aks as StackRun;
    const cluster = run.of('azure-native:containerservice:ManagedCluster')[0]?.inputs;
    expect(cluster.identity.type).toBe('UserAssigned');
    expect(cluster.agentPoolProfiles.map((p: { mode: string }) => p.mode)).toEqual(['System', 'User']);
    expect(cluster.agentPoolProfiles[1]).toMatchObject({ enableAutoScaling: true, minCount: 2, maxCount: 5 });
    const pull = run.of('azure-native:authorization:RoleAssignment')[0]?.inputs;
    expect(pull.roleDefinitionId).toContain('7f951dda-4ed3-4680-a7ca-43fe172d538d');
    expect(pull.principalId).toBe('kubelet-object-id');
    const image = run.of('docker-build:index:Image').find((i) => i.name === 'backend-image')?.inputs;
    expect(image).toMatchObject({ push: true, buildArgs: { APP: APP_IDS.backend } });
    expect(image.tags[0]).toMatch(/\.azurecr\.io\/todo-chatbot\/backend:aks$/);
    expect(run.one(DEPLOYMENT, APP_IDS.backend).inputs.spec.template.spec.containers[0].image).toMatch(/@sha256:/);
  });

  it('gke: no default pool, an autoscaling node pool, an Artifact Registry repository', () => {
    const run = runs.gke as StackRun;
    expect(run.of('gcp:container/cluster:Cluster')[0]?.inputs).toMatchObject({
      removeDefaultNodePool: true,
      initialNodeCount: 1,
    });
    // a regional pool: min/maxNodeCount would count per zone (3-12 nodes in three zones); the total* bounds are 1-4
    const pool = run.of('gcp:container/nodePool:NodePool')[0]?.inputs;
    expect(pool.location).toBe('europe-west1');
    expect(pool.autoscaling).toEqual({ totalMinNodeCount: 1, totalMaxNodeCount: 4, locationPolicy: 'BALANCED' });
    const repository = run.of('gcp:artifactregistry/repository:Repository')[0]?.inputs;
    expect(repository.format).toBe('DOCKER');
    // the nodes run as their own account, which may pull from the repository (no reliance on the default account)
    const account = run.of('gcp:serviceaccount/account:Account')[0]?.inputs;
    const email = `${account.accountId}@my-gcp-project.iam.gserviceaccount.com`;
    expect(pool.nodeConfig.serviceAccount).toBe(email);
    expect(run.of('gcp:artifactregistry/repositoryIamMember:RepositoryIamMember')[0]?.inputs).toMatchObject({
      repository: repository.repositoryId,
      location: 'europe-west1',
      role: 'roles/artifactregistry.reader',
      member: `serviceAccount:${email}`,
    });
    expect(run.of('gcp:projects/iAMMember:IAMMember')[0]?.inputs).toMatchObject({
      role: 'roles/container.defaultNodeServiceAccount',
      member: `serviceAccount:${email}`,
    });
  });

  it('local: adopts the minikube context and loads images tagged by their build context into its Docker daemon', () => {
    const run = runs.local as StackRun;
    expect(run.of('pulumi:providers:kubernetes')[0]?.inputs.context).toBe('minikube');
    // never pulled (imagePullPolicy Never), so the tag itself must change with the build: it is the context's hash
    // (computed when the program ran; the working tree may have changed since, so not recomputed here)
    const image = run.of('docker-build:index:Image').find((i) => i.name === 'frontend-image')?.inputs;
    const tag = image.tags[0];
    expect(tag).toMatch(/^todo-chatbot\/frontend:[0-9a-f]{16}$/);
    expect(image).toMatchObject({ push: false, exports: [{ docker: {} }] });
    expect(run.one('docker-build:index:Image', 'backend-image').inputs.tags[0]).toBe(
      tag.replace('frontend', 'backend'),
    );
    expect(run.one(DEPLOYMENT, APP_IDS.frontend).inputs.spec.template.spec.containers[0]).toMatchObject({
      image: tag,
      imagePullPolicy: 'Never',
    });
  });

  it('local, images loaded by hand (kind): deploys the configured tag and builds nothing', async () => {
    const run = await runStack('local', { 'todo-chatbot:buildImages': 'false', 'todo-chatbot:imageTag': 'e2e' });
    expect(run.of('docker-build:index:Image')).toHaveLength(0);
    expect(run.one(DEPLOYMENT, APP_IDS.backend).inputs.spec.template.spec.containers[0].image).toBe(
      'todo-chatbot/backend:e2e',
    );
  }, 60_000);
});

describe('configuration errors', () => {
  const withConfig = (config: Record<string, string>) => {
    pulumi.runtime.setAllConfig(config, []);
    return () => readConfig();
  };

  it('names the exact command when the Neon URL is missing on a cloud stack', () => {
    expect(withConfig({ 'todo-chatbot:target': 'aks' })).toThrow(
      "pulumi config set --secret todo-chatbot:databaseUrl 'postgresql://",
    );
    expect(withConfig({ 'todo-chatbot:target': 'local' })).not.toThrow();
  });

  it('refuses an unknown target, external Kafka without credentials, and fewer max than min nodes', () => {
    expect(withConfig({ 'todo-chatbot:target': 'eks' })).toThrow(/one of local, aks, gke/);
    expect(withConfig({ 'todo-chatbot:target': 'local', 'todo-chatbot:kafkaBrokers': 'x:9092' })).toThrow(
      /kafkaUsername/,
    );
    expect(
      withConfig({ 'todo-chatbot:target': 'local', 'todo-chatbot:minNodes': '3', 'todo-chatbot:maxNodes': '2' }),
    ).toThrow(/maxNodes/);
  });

  it('configures Redpanda Cloud with SASL SCRAM-SHA-256 over TLS, the password by reference, readable where used', async () => {
    const run = await runStack(
      'gke',
      {
        'todo-chatbot:kafka': 'external',
        'todo-chatbot:kafkaBrokers': 'seed.redpanda.cloud:9092',
        'todo-chatbot:kafkaUsername': 'todo',
      },
      { 'todo-chatbot:databaseUrl': NEON, 'todo-chatbot:kafkaPassword': 'rp-secret' },
    );
    const pubsub = run.one(COMPONENT, COMPONENTS.pubsub).inputs;
    expect(pubsub.spec.metadata).toEqual(
      expect.arrayContaining([
        { name: 'brokers', value: 'seed.redpanda.cloud:9092' },
        { name: 'authType', value: 'password' },
        { name: 'saslUsername', value: 'todo' },
        // contrib spells the SCRAM mechanisms SHA-256 and SHA-512: anything else is SASL PLAIN
        { name: 'saslMechanism', value: 'SHA-256' },
        { name: 'saslPassword', secretKeyRef: KAFKA_CREDENTIALS_SECRET },
        { name: 'disableTls', value: 'false' },
      ]),
    );
    // Redpanda Cloud's certificates chain to a public CA: verified against the system pool, nothing skipped
    const names = pubsub.spec.metadata.map((m: { name: string }) => m.name);
    expect(names).not.toContain('caCert');
    expect(names).not.toContain('skipVerify');
    expect(JSON.stringify(pubsub)).not.toContain('rp-secret');
    expect(
      run.one('kubernetes:core/v1:Secret', KAFKA_CREDENTIALS_SECRET.name).inputs.stringData[
        KAFKA_CREDENTIALS_SECRET.key
      ],
    ).toBe('rp-secret');
    expectSecretRefsReadable(run);
    // recurring-task-service uses kafka-pubsub: the store is loaded in its sidecar, which may read the Kafka password
    expect(run.one(COMPONENT, COMPONENTS.secretStore).inputs.scopes).toContain(APP_IDS.recurringTaskService);
    const kafkaRole = run.one('kubernetes:rbac.authorization.k8s.io/v1:Role', 'read-kafka-credentials').inputs;
    expect(kafkaRole.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: [KAFKA_CREDENTIALS_SECRET.name], verbs: ['get'] },
    ]);
    const kafkaBinding = run.one('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'read-kafka-credentials');
    expect(kafkaBinding.inputs.subjects.map((s: { name: string }) => s.name).sort()).toEqual([...PUBSUB_USERS].sort());
    // the app secret stays with its readers: recurring-task-service gets the Kafka password only
    const appBinding = run.one('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'read-app-secret');
    expect(appBinding.inputs.subjects.map((s: { name: string }) => s.name)).not.toContain(APP_IDS.recurringTaskService);
    expect(run.of('kubernetes:helm.sh/v3:Release').map((r) => r.name)).not.toContain('strimzi');
  }, 60_000);
});
