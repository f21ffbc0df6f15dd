// The cluster's Configuration carries the invocation policy from the contracts, and daprd would read it as we mean.
import {
  ALL_APP_IDS,
  APP_IDS,
  DAPR_CONFIG_NAME,
  INVOCATIONS,
  NAMESPACE,
  parseAccessControl,
  sharedAccessControl,
  TRUST_DOMAIN,
} from '@todo/contracts';
import { runStack, type StackRun } from './run-stack.test-helper';

let local: StackRun;
beforeAll(async () => {
  local = await runStack('local');
}, 120_000);

const accessControl = () =>
  local.one('kubernetes:dapr.io/v1alpha1:Configuration', DAPR_CONFIG_NAME).inputs.spec.accessControl;
const id = (appId: string) => ({ appId, namespace: NAMESPACE, trustDomain: TRUST_DOMAIN });

it("the apps' Configuration denies by default and names each caller in the apps' namespace and trust domain", () => {
  expect(accessControl()).toEqual(sharedAccessControl(NAMESPACE));
  expect(accessControl()).toMatchObject({ defaultAction: 'deny', trustDomain: TRUST_DOMAIN });
  for (const policy of accessControl().policies) {
    expect(policy).toMatchObject({ defaultAction: 'deny', trustDomain: TRUST_DOMAIN, namespace: NAMESPACE });
  }
});

it('every invocation the apps make is allowed and no sidecar-only route is', () => {
  const acl = parseAccessControl(accessControl());
  for (const i of INVOCATIONS)
    expect([i, acl.allows(id(i.caller), i.path.replace(/:\w+/g, '1'), i.method)]).toEqual([i, true]);
  for (const caller of ALL_APP_IDS) {
    for (const path of ['/job/reminder-1', '/events/task-events', '/dapr/subscribe']) {
      expect(acl.allows(id(caller), path, 'POST')).toBe(false);
    }
  }
  expect(acl.allows(id(APP_IDS.frontend), '/internal/next-occurrence', 'POST')).toBe(false);
  expect(acl.allows(id(APP_IDS.backend), '/api/tasks', 'GET')).toBe(false);
});
