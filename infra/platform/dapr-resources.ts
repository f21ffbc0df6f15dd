// The Dapr resources of our namespace: components scoped to the apps that use them, one Configuration per app (its
// access control names exactly who may call it), the Resiliency from resources/resiliency.yaml (the same file the
// local run reads), and who may read which secret.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  type AccessControlSpec,
  ALL_APP_IDS,
  APP_IDS,
  type AppId,
  accessControlFor,
  COMPONENTS,
  daprConfigName,
  JOB_APP_IDS,
  KAFKA_CREDENTIALS_SECRET,
  NAMESPACE,
  SECRET,
  STATE_TABLE,
  TRUST_DOMAIN,
} from '@todo/contracts';
import { parse } from 'yaml';

export interface KafkaConnection {
  brokers: pulumi.Input<string>;
  /** SASL SCRAM over TLS (Redpanda Cloud); none in the cluster. */
  sasl?: { username: string; password: pulumi.Input<string> };
}

/** Apps whose sidecars read secrets from the store (the migrations Job reads DATABASE_URL too). */
export const SECRET_READERS = [APP_IDS.backend, APP_IDS.notificationService, JOB_APP_IDS.backendMigrate];
/** Apps whose sidecars publish or subscribe through kafka-pubsub. */
export const PUBSUB_USERS = [APP_IDS.backend, APP_IDS.notificationService, APP_IDS.recurringTaskService];
/** Redpanda Cloud's default SCRAM mechanism, as contrib spells it: only SHA-256, SHA-512 or PLAINTEXT (else PLAIN). */
export const KAFKA_SASL_MECHANISM = 'SHA-256';

/** Every workload with a sidecar: the four apps and the migrations Job. */
export const SIDECAR_IDS = [...ALL_APP_IDS, JOB_APP_IDS.backendMigrate];

export interface DaprResourcesArgs {
  namespace: pulumi.Input<string>;
  kafka: KafkaConnection;
  tracingEndpoint?: string;
}

export class DaprResources extends pulumi.ComponentResource {
  private readonly configs = new Map<string, pulumi.Output<string>>();

  constructor(name: string, args: DaprResourcesArgs, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:DaprResources', name, {}, opts);
    // children wait for what the component waits for: above all the Dapr release (its CRDs)
    const inherited = (opts.dependsOn ?? []) as pulumi.Resource[];
    const parent = { parent: this, dependsOn: inherited };
    const cr = (
      id: string,
      kind: string,
      apiVersion: string,
      body: Record<string, unknown>,
      deps: pulumi.Resource[] = [],
    ) =>
      new k8s.apiextensions.CustomResource(
        id,
        { apiVersion, kind, metadata: { name: id, namespace: args.namespace }, ...body },
        { parent: this, dependsOn: [...inherited, ...deps] },
      );

    let kafkaAuth: { name: string; value?: string; secretKeyRef?: { name: string; key: string } }[] = [
      { name: 'authType', value: 'none' },
    ];
    const deps: pulumi.Resource[] = [];
    if (args.kafka.sasl) {
      deps.push(
        new k8s.core.v1.Secret(
          KAFKA_CREDENTIALS_SECRET.name,
          {
            metadata: { name: KAFKA_CREDENTIALS_SECRET.name, namespace: args.namespace },
            type: 'Opaque',
            stringData: { [KAFKA_CREDENTIALS_SECRET.key]: args.kafka.sasl.password },
          },
          parent,
        ),
      );
      // TLS without caCert: Redpanda Cloud's certificates chain to a public CA, which daprd's system pool trusts
      kafkaAuth = [
        { name: 'authType', value: 'password' },
        { name: 'saslUsername', value: args.kafka.sasl.username },
        { name: 'saslPassword', secretKeyRef: KAFKA_CREDENTIALS_SECRET },
        { name: 'saslMechanism', value: KAFKA_SASL_MECHANISM },
        { name: 'disableTls', value: 'false' },
      ];
    }
    cr(
      COMPONENTS.pubsub,
      'Component',
      'dapr.io/v1alpha1',
      {
        spec: {
          type: 'pubsub.kafka',
          version: 'v1',
          metadata: [
            { name: 'brokers', value: args.kafka.brokers },
            // each app id its own consumer group: every app gets every message of its topics
            { name: 'consumerGroup', value: '{appID}' },
            { name: 'initialOffset', value: 'oldest' },
            ...kafkaAuth,
          ],
        },
        auth: { secretStore: COMPONENTS.secretStore },
        scopes: PUBSUB_USERS,
      },
      deps,
    );
    cr(COMPONENTS.stateStore, 'Component', 'dapr.io/v1alpha1', {
      spec: {
        type: 'state.postgresql',
        version: 'v1',
        metadata: [
          { name: 'connectionString', secretKeyRef: { name: SECRET.name, key: SECRET.keys.databaseUrl } },
          { name: 'tableName', value: STATE_TABLE },
          // Neon's pooled endpoint breaks prepared statements: run statements without preparing them
          { name: 'queryExecMode', value: 'simple_protocol' },
        ],
      },
      auth: { secretStore: COMPONENTS.secretStore },
      scopes: [APP_IDS.backend],
    });
    // a component whose secret store is not loaded in a sidecar waits there for good: the store goes wherever a
    // component resolves a secretKeyRef through it
    const kafkaSecretReaders = args.kafka.sasl ? PUBSUB_USERS : [];
    cr(COMPONENTS.secretStore, 'Component', 'dapr.io/v1alpha1', {
      spec: { type: 'secretstores.kubernetes', version: 'v1', metadata: [] },
      scopes: [...new Set([...SECRET_READERS, ...kafkaSecretReaders])],
    });
    // a Job's sidecar is called by no one: deny all
    const denyAll: AccessControlSpec = { defaultAction: 'deny', trustDomain: TRUST_DOMAIN, policies: [] };
    for (const id of SIDECAR_IDS) {
      const configuration = cr(daprConfigName(id), 'Configuration', 'dapr.io/v1alpha1', {
        spec: {
          tracing: {
            samplingRate: '1',
            ...(args.tracingEndpoint
              ? { otel: { endpointAddress: args.tracingEndpoint, isSecure: false, protocol: 'grpc' } }
              : {}),
          },
          metrics: { enabled: true },
          // through the store, an app may read only the app secret: not the tokens, not the Kafka password
          secrets: {
            scopes: [{ storeName: COMPONENTS.secretStore, defaultAccess: 'deny', allowedSecrets: [SECRET.name] }],
          },
          // service invocation: who may call this app and what (the callee's daprd checks the caller's mTLS identity)
          accessControl: (ALL_APP_IDS as readonly string[]).includes(id)
            ? accessControlFor(id as AppId, NAMESPACE)
            : denyAll,
        },
      });
      this.configs.set(id, configuration.metadata.name);
    }
    const resiliency = parse(readFileSync(join(__dirname, '..', '..', 'resources', 'resiliency.yaml'), 'utf8'));
    cr(resiliency.metadata.name, 'Resiliency', 'dapr.io/v1alpha1', {
      spec: resiliency.spec,
      scopes: [APP_IDS.frontend, APP_IDS.notificationService, APP_IDS.recurringTaskService, APP_IDS.backend],
    });

    // the Kubernetes secret store reads with the pod's service account: each Secret only to the apps that need it
    const mayRead = (id: string, secretName: string, readers: string[]) => {
      const role = new k8s.rbac.v1.Role(
        id,
        {
          metadata: { name: id, namespace: args.namespace },
          rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get'] }],
        },
        parent,
      );
      new k8s.rbac.v1.RoleBinding(
        id,
        {
          metadata: { name: id, namespace: args.namespace },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
          subjects: readers.map((reader) => ({ kind: 'ServiceAccount', name: reader, namespace: args.namespace })),
        },
        parent,
      );
    };
    mayRead('read-app-secret', SECRET.name, SECRET_READERS);
    if (args.kafka.sasl) mayRead('read-kafka-credentials', KAFKA_CREDENTIALS_SECRET.name, kafkaSecretReaders);
    this.registerOutputs({});
  }

  /** A sidecar's Configuration name (`dapr.io/config`), from the resource, so its pods come after it. */
  configFor(id: string): pulumi.Output<string> {
    const name = this.configs.get(id);
    if (!name) throw new Error(`no Dapr Configuration for ${id}: sidecars are ${SIDECAR_IDS.join(', ')}`);
    return name;
  }
}
