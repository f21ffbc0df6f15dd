// On `local` without a Neon URL: a small Postgres in the cluster (one replica, a volume, a generated password).

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';

const LABELS = { app: 'postgres' };

export class InClusterPostgres extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: { namespace: pulumi.Input<string> }, opts: pulumi.ComponentResourceOptions) {
    super('todo:platform:Postgres', name, {}, opts);
    const parent = { parent: this };
    const namespace = args.namespace;
    const password = new random.RandomPassword('postgres-password', { length: 32, special: false }, parent).result;
    const credentials = new k8s.core.v1.Secret(
      'postgres-credentials',
      { metadata: { name: 'postgres-credentials', namespace }, type: 'Opaque', stringData: { password } },
      parent,
    );
    const service = new k8s.core.v1.Service(
      'postgres',
      {
        metadata: { name: 'postgres', namespace, labels: LABELS },
        spec: { selector: LABELS, ports: [{ name: 'postgres', port: 5432 }] },
      },
      parent,
    );
    new k8s.apps.v1.StatefulSet(
      'postgres',
      {
        metadata: { name: 'postgres', namespace, labels: LABELS },
        spec: {
          serviceName: 'postgres',
          replicas: 1,
          selector: { matchLabels: LABELS },
          template: {
            metadata: { labels: LABELS },
            spec: {
              securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
              containers: [
                {
                  name: 'postgres',
                  image: 'postgres:16-alpine',
                  ports: [{ containerPort: 5432, name: 'postgres' }],
                  env: [
                    { name: 'POSTGRES_USER', value: 'todo' },
                    { name: 'POSTGRES_DB', value: 'todo' },
                    { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                    {
                      name: 'POSTGRES_PASSWORD',
                      valueFrom: { secretKeyRef: { name: credentials.metadata.name, key: 'password' } },
                    },
                  ],
                  readinessProbe: { exec: { command: ['pg_isready', '-U', 'todo', '-d', 'todo'] }, periodSeconds: 5 },
                  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                  volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
            },
          ],
        },
      },
      parent,
    );
    this.url = pulumi.secret(
      pulumi.interpolate`postgresql://todo:${password}@${service.metadata.name}.${service.metadata.namespace}.svc:5432/todo`,
    );
    this.registerOutputs({});
  }
}
