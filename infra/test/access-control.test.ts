// Each app's Configuration carries the invocation policy from the contracts for that app as callee, and daprd would
// read it as we mean: exactly the calls the apps make reach each app, nothing else does.
import {
  ALL_APP_IDS,
  APP_IDS,
  accessControlFor,
  daprConfigName,
  INVOCATIONS,
  JOB_APP_IDS,
  jobTriggerPath,
  NAMESPACE,
  parseAccessControl,
  reminderJobName,
  subscriptionRoute,
  TOPICS,
  TRUST_DOMAIN,
} from '@todo/contracts';
import { runStack, type StackRun } from './run-stack.test-helper';

let local: StackRun;
beforeAll(async () => {
  local = await runStack('local');
}, 120_000);

const accessControl = (id: string) =>
  local.one('kubernetes:dapr.io/v1alpha1:Configuration', daprConfigName(id)).inputs.spec.accessControl;
const id = (appId: string) => ({ appId, namespace: NAMESPACE, trustDomain: TRUST_DOMAIN });

it("each app's Configuration denies by default and names each caller in the apps' namespace and trust domain", () => {
  for (const app of ALL_APP_IDS) {
    expect(accessControl(app)).toEqual(accessControlFor(app, NAMESPACE));
    expect(accessControl(app)).toMatchObject({ defaultAction: 'deny', trustDomain: TRUST_DOMAIN });
    for (const policy of accessControl(app).policies) {
      expect(policy).toMatchObject({ defaultAction: 'deny', trustDomain: TRUST_DOMAIN, namespace: NAMESPACE });
    }
  }
  // the migrations Job's sidecar is called by no one
  expect(accessControl(JOB_APP_IDS.backendMigrate)).toEqual({
    defaultAction: 'deny',
    trustDomain: TRUST_DOMAIN,
    policies: [],
  });
});

it('every invocation the apps make is allowed by its callee, and nothing reaches an app it is not meant for', () => {
  const acl = Object.fromEntries(ALL_APP_IDS.map((app) => [app, parseAccessControl(accessControl(app))]));
  for (const i of INVOCATIONS) {
    expect([i, acl[i.callee]?.allows(id(i.caller), i.path.replace(/:\w+/g, '1'), i.method)]).toEqual([i, true]);
  }
  for (const callee of ALL_APP_IDS) {
    for (const caller of ALL_APP_IDS) {
      for (const path of [
        jobTriggerPath(reminderJobName('1')),
        subscriptionRoute(TOPICS.taskEvents),
        '/dapr/subscribe',
      ]) {
        expect(acl[callee]?.allows(id(caller), path, 'POST')).toBe(false);
      }
    }
  }
  // exact per callee: a call allowed on one app is refused by every other app that does not serve it
  for (const i of INVOCATIONS) {
    const path = i.path.replace(/:\w+/g, '1');
    for (const other of ALL_APP_IDS) {
      const served = INVOCATIONS.some(
        (x) => x.callee === other && x.caller === i.caller && x.method === i.method && x.path === i.path,
      );
      if (served) continue;
      expect([i, other, acl[other]?.allows(id(i.caller), path, i.method)]).toEqual([i, other, false]);
    }
  }
  expect(acl[APP_IDS.frontend]?.allows(id(APP_IDS.backend), '/api/tasks', 'GET')).toBe(false);
});
