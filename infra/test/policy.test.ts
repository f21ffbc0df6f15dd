// One compliant and one violating input per rule; and every resource the program makes passes every rule.
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import {
  componentsScoped,
  daprAppsIdentifiedAndBounded,
  noPlaintextSecretsInComponents,
  noRootContainers,
  RULES,
} from '../policy/rules';
import { runStack } from './run-stack.test-helper';

const violations = (rule: ResourceValidationPolicy, type: string, props: unknown): string[] => {
  const found: string[] = [];
  const validate = rule.validateResource as (args: ResourceValidationArgs, report: (message: string) => void) => void;
  validate(
    { type, props, name: 'subject', urn: 'urn:pulumi:test::p::subject' } as unknown as ResourceValidationArgs,
    (message) => found.push(message),
  );
  return found;
};

const deployment = (
  annotations: Record<string, string>,
  container: Record<string, unknown>,
  pod: Record<string, unknown> = {},
) => ({
  spec: {
    template: {
      metadata: { annotations },
      spec: { securityContext: pod, containers: [{ name: 'app', ...container }] },
    },
  },
});
const limits = { resources: { limits: { cpu: '1', memory: '512Mi' } } };

describe('policy rules', () => {
  it('dapr-apps-identified-and-bounded: app id and limits required on a Dapr Deployment', () => {
    const type = 'kubernetes:apps/v1:Deployment';
    expect(
      violations(
        daprAppsIdentifiedAndBounded,
        type,
        deployment({ 'dapr.io/enabled': 'true', 'dapr.io/app-id': 'backend' }, limits),
      ),
    ).toEqual([]);
    expect(violations(daprAppsIdentifiedAndBounded, type, deployment({ 'dapr.io/enabled': 'true' }, {}))).toEqual([
      'Deployment subject enables Dapr without dapr.io/app-id',
      'container app of subject has no CPU and memory limits',
    ]);
    expect(violations(daprAppsIdentifiedAndBounded, type, deployment({}, {}))).toEqual([]);
  });

  it('no-root-containers: runAsNonRoot on the container or the pod, never user 0', () => {
    const type = 'kubernetes:apps/v1:Deployment';
    expect(violations(noRootContainers, type, deployment({}, { securityContext: { runAsNonRoot: true } }))).toEqual([]);
    expect(violations(noRootContainers, type, deployment({}, {}, { runAsNonRoot: true }))).toEqual([]);
    expect(violations(noRootContainers, type, deployment({}, {}))).toHaveLength(1);
    expect(
      violations(
        noRootContainers,
        'kubernetes:batch/v1:Job',
        deployment({}, { securityContext: { runAsNonRoot: true, runAsUser: 0 } }),
      ),
    ).toHaveLength(1);
  });

  it('dapr-components-scoped: a Component needs scopes', () => {
    const type = 'kubernetes:dapr.io/v1alpha1:Component';
    expect(violations(componentsScoped, type, { metadata: { name: 'statestore' }, scopes: ['backend'] })).toEqual([]);
    expect(violations(componentsScoped, type, { metadata: { name: 'statestore' } })).toEqual([
      'Component statestore has no scopes: every app in the namespace could use it',
    ]);
  });

  it('no-plaintext-secrets-in-components: credentials by secretKeyRef only', () => {
    const type = 'kubernetes:dapr.io/v1alpha1:Component';
    const component = (metadata: unknown[]) => ({ metadata: { name: 'c' }, spec: { metadata } });
    expect(
      violations(
        noPlaintextSecretsInComponents,
        type,
        component([
          { name: 'connectionString', secretKeyRef: { name: 's', key: 'k' } },
          { name: 'tableName', value: 'x' },
        ]),
      ),
    ).toEqual([]);
    expect(
      violations(noPlaintextSecretsInComponents, type, component([{ name: 'saslPassword', value: 'hunter2' }])),
    ).toHaveLength(1);
    expect(
      violations(noPlaintextSecretsInComponents, type, component([{ name: 'url', value: 'postgres://u:pw@h/db' }])),
    ).toHaveLength(1);
  });
});

describe('the program against the policies', () => {
  it.each(['local', 'aks', 'gke'] as const)(
    'every resource of %s passes every rule',
    async (stack) => {
      const run = await runStack(
        stack,
        {},
        stack === 'local' ? {} : { 'todo-chatbot:databaseUrl': 'postgresql://u:p@h/db' },
      );
      const found = run.resources.flatMap((r) =>
        RULES.flatMap((rule) => violations(rule, r.type, r.inputs).map((v) => `${rule.name}: ${v}`)),
      );
      expect(found).toEqual([]);
    },
    60_000,
  );
});
