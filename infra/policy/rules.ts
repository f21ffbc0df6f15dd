// The rules every stack must keep: sidecar apps identified and bounded, nothing as root, components scoped, no secret
// in a component's plain metadata.
import type { ResourceValidationPolicy } from '@pulumi/policy';

const WORKLOADS = ['kubernetes:apps/v1:Deployment', 'kubernetes:apps/v1:StatefulSet', 'kubernetes:batch/v1:Job'];
const SECRET_NAME = /pass(word)?|secret|token|key|connectionstring|credential|dsn/i;

// biome-ignore lint/suspicious/noExplicitAny: resource properties as the program gave them
type Props = any;

const podSpec = (props: Props) => props?.spec?.template?.spec;
const containersOf = (props: Props): Props[] => [
  ...(podSpec(props)?.initContainers ?? []),
  ...(podSpec(props)?.containers ?? []),
];

export const daprAppsIdentifiedAndBounded: ResourceValidationPolicy = {
  name: 'dapr-apps-identified-and-bounded',
  description: 'A Dapr-enabled Deployment has a dapr.io/app-id and CPU and memory limits on every container.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== 'kubernetes:apps/v1:Deployment') return;
    const annotations = args.props?.spec?.template?.metadata?.annotations ?? {};
    if (annotations['dapr.io/enabled'] !== 'true') return;
    if (!annotations['dapr.io/app-id']) reportViolation(`Deployment ${args.name} enables Dapr without dapr.io/app-id`);
    for (const container of containersOf(args.props)) {
      const limits = container.resources?.limits ?? {};
      if (!limits.cpu || !limits.memory)
        reportViolation(`container ${container.name} of ${args.name} has no CPU and memory limits`);
    }
  },
};

export const noRootContainers: ResourceValidationPolicy = {
  name: 'no-root-containers',
  description: 'Every container runs as a non-root user.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (!WORKLOADS.includes(args.type)) return;
    const pod = podSpec(args.props)?.securityContext ?? {};
    for (const container of containersOf(args.props)) {
      const own = container.securityContext ?? {};
      const nonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
      const user = own.runAsUser ?? pod.runAsUser;
      if (nonRoot !== true || user === 0)
        reportViolation(`container ${container.name} of ${args.name} may run as root: set runAsNonRoot`);
    }
  },
};

export const componentsScoped: ResourceValidationPolicy = {
  name: 'dapr-components-scoped',
  description: 'Every Dapr Component lists the app ids that may use it.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== 'kubernetes:dapr.io/v1alpha1:Component') return;
    if (!Array.isArray(args.props?.scopes) || args.props.scopes.length === 0) {
      reportViolation(
        `Component ${args.props?.metadata?.name ?? args.name} has no scopes: every app in the namespace could use it`,
      );
    }
  },
};

export const noPlaintextSecretsInComponents: ResourceValidationPolicy = {
  name: 'no-plaintext-secrets-in-components',
  description: 'Component metadata that holds a credential uses secretKeyRef, never a plain value.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== 'kubernetes:dapr.io/v1alpha1:Component') return;
    for (const item of args.props?.spec?.metadata ?? []) {
      const looksSecret = SECRET_NAME.test(item.name ?? '') || /:\/\/[^/\s:]+:[^@\s]+@/.test(String(item.value ?? ''));
      if (looksSecret && item.value !== undefined && !item.secretKeyRef) {
        reportViolation(
          `Component ${args.props?.metadata?.name ?? args.name} has ${item.name} in plain metadata: use secretKeyRef`,
        );
      }
    }
  },
};

export const RULES = [daprAppsIdentifiedAndBounded, noRootContainers, componentsScoped, noPlaintextSecretsInComponents];
