// The backend's migrations as a Job that must finish before the backend rolls out. It reads DATABASE_URL through its
// own sidecar, a native sidecar (an init container that Kubernetes stops once the migration exits), and the Job gives
// up after a deadline: a sidecar that never becomes ready (a secret it cannot load) fails the `up` instead of hanging.

import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { JOB_APP_IDS } from '@todo/contracts';
import { daprAnnotations, lockedDown, type SidecarArgs, tokenEnv } from './dapr-app';

/** Long enough for a cold sidecar and a large migration; past it the Job fails and so does the `up` waiting for it. */
export const MIGRATION_DEADLINE_SECONDS = 600;

export function migrationJob(args: SidecarArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
  const appId = JOB_APP_IDS.backendMigrate;
  const labels = { app: appId };
  const account = new k8s.core.v1.ServiceAccount(appId, { metadata: { name: appId, namespace: args.namespace } }, opts);
  return new k8s.batch.v1.Job(
    appId,
    {
      metadata: { namespace: args.namespace, labels },
      spec: {
        backoffLimit: 4,
        activeDeadlineSeconds: MIGRATION_DEADLINE_SECONDS,
        ttlSecondsAfterFinished: 3600,
        template: {
          metadata: {
            labels,
            annotations: { ...daprAnnotations(appId, args), 'dapr.io/enable-native-sidecar': 'true' },
          },
          spec: {
            serviceAccountName: account.metadata.name,
            restartPolicy: 'Never',
            securityContext: { runAsNonRoot: true, fsGroup: 10001 },
            containers: [
              {
                name: 'migrate',
                image: args.image,
                imagePullPolicy: args.cloud ? 'IfNotPresent' : 'Never',
                command: ['node', '--enable-source-maps', 'dist/migrate.js'],
                env: tokenEnv(args.tokens),
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
                securityContext: lockedDown,
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
    opts,
  );
}
