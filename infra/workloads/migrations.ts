// The backend's migrations as a Job that must finish before the backend rolls out. It reads DATABASE_URL through its
// own sidecar, then tells the sidecar to shut down so the Job can complete.

import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { JOB_APP_IDS, NAMESPACE } from '@todo/contracts';
import { daprAnnotations, lockedDown, tokenEnv } from './dapr-app';

export function migrationJob(
  image: pulumi.Input<string>,
  cloud: boolean,
  opts: pulumi.CustomResourceOptions,
): k8s.batch.v1.Job {
  const appId = JOB_APP_IDS.backendMigrate;
  const account = new k8s.core.v1.ServiceAccount(appId, { metadata: { name: appId, namespace: NAMESPACE } }, opts);
  return new k8s.batch.v1.Job(
    appId,
    {
      metadata: { namespace: NAMESPACE, labels: { app: appId } },
      spec: {
        backoffLimit: 4,
        ttlSecondsAfterFinished: 3600,
        template: {
          metadata: { labels: { app: appId }, annotations: daprAnnotations(appId) },
          spec: {
            serviceAccountName: account.metadata.name,
            restartPolicy: 'Never',
            securityContext: { runAsNonRoot: true, fsGroup: 10001 },
            containers: [
              {
                name: 'migrate',
                image,
                imagePullPolicy: cloud ? 'IfNotPresent' : 'Never',
                command: ['node', '--enable-source-maps', 'dist/migrate.js'],
                env: [...tokenEnv, { name: 'DAPR_SHUTDOWN_ON_EXIT', value: 'true' }],
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
