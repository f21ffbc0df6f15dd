import {
  type AccessControlSpec,
  accessControlFor,
  daprOperations,
  LOCAL_NAMESPACE,
  parseAccessControl,
  sharedAccessControl,
  TRUST_DOMAIN,
} from './access-control';
import { INVOCATIONS, NEXT_OCCURRENCE_ROUTE } from './invocations';
import { jobTriggerPath, reminderJobName } from './jobs';
import { ALL_APP_IDS, APP_IDS, type AppId, NAMESPACE, TOPICS } from './names';
import { subscriptionRoute } from './subscriptions';

const id = (appId: string, namespace = LOCAL_NAMESPACE) => ({ appId, namespace, trustDomain: TRUST_DOMAIN });
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NEXT = NEXT_OCCURRENCE_ROUTE.path;
const SIDECAR_ONLY = [
  jobTriggerPath(reminderJobName('1')),
  subscriptionRoute(TOPICS.taskEvents),
  '/dapr/subscribe',
  NEXT,
];
const callee = (app: AppId) => parseAccessControl(accessControlFor(app, LOCAL_NAMESPACE));
const shared = parseAccessControl(sharedAccessControl(NAMESPACE));
const sample = (path: string) => path.replace(/:[^/]+/g, '5b7c1e2a-0000-4000-8000-000000000001');

it('every invocation the apps make is allowed by its callee, alone and in the shared cluster Configuration', () => {
  for (const i of INVOCATIONS) {
    expect([i, callee(i.callee).allows(id(i.caller), sample(i.path), i.method)]).toEqual([i, true]);
    expect([i, shared.allows(id(i.caller, NAMESPACE), sample(i.path), i.method)]).toEqual([i, true]);
  }
});

it('no caller reaches a sidecar-only route of any app, whatever the verb or case', () => {
  for (const acl of [...ALL_APP_IDS.map(callee), shared]) {
    for (const caller of ALL_APP_IDS) {
      for (const path of SIDECAR_ONLY.filter((p) => caller !== APP_IDS.recurringTaskService || p !== NEXT)) {
        for (const verb of VERBS) {
          expect([caller, path, verb, acl.allows(id(caller), path, verb)]).toEqual([caller, path, verb, false]);
          expect(acl.allows(id(caller, NAMESPACE), path.toUpperCase(), verb)).toBe(false);
        }
      }
    }
  }
});

it('recurring-task-service may only create next occurrences on the backend', () => {
  const backend = callee(APP_IDS.backend);
  const rts = id(APP_IDS.recurringTaskService);
  expect(backend.allows(rts, NEXT, 'POST')).toBe(true);
  expect(backend.allows(rts, NEXT, 'GET')).toBe(false);
  expect(backend.allows(rts, '/api/tasks', 'GET')).toBe(false);
  expect(callee(APP_IDS.notificationService).allows(rts, NEXT, 'POST')).toBe(false);
});

it('nobody may call the frontend or recurring-task-service, and the backend calls nobody', () => {
  for (const app of [APP_IDS.frontend, APP_IDS.recurringTaskService]) {
    for (const caller of ALL_APP_IDS) expect(callee(app).allows(id(caller), '/api/tasks', 'GET')).toBe(false);
  }
  for (const app of ALL_APP_IDS) expect(callee(app).allows(id(APP_IDS.backend), '/api/audit', 'GET')).toBe(false);
});

it('the frontend reaches each app only on its own browser routes', () => {
  const frontend = id(APP_IDS.frontend);
  expect(callee(APP_IDS.backend).allows(frontend, '/api/notifications', 'GET')).toBe(false);
  expect(callee(APP_IDS.notificationService).allows(frontend, '/api/tasks', 'GET')).toBe(false);
  expect(callee(APP_IDS.backend).allows(frontend, '/api/tasks/1/complete', 'POST')).toBe(true);
  expect(callee(APP_IDS.backend).allows(frontend, '/api/tasks/1/complete', 'DELETE')).toBe(false);
  expect(callee(APP_IDS.backend).allows(frontend, '/api/tasks/1/2/complete', 'POST')).toBe(false);
  expect(callee(APP_IDS.notificationService).allows(frontend, '/api/notifications/read-all', 'POST')).toBe(true);
});

it('a caller from another namespace or trust domain, or one without an mTLS identity, gets the default: deny', () => {
  const backend = callee(APP_IDS.backend);
  expect(backend.allows(id(APP_IDS.frontend, 'elsewhere'), '/api/tasks', 'GET')).toBe(false);
  expect(backend.allows({ ...id(APP_IDS.frontend), trustDomain: 'cluster.local' }, '/api/tasks', 'GET')).toBe(false);
  expect(backend.allows(undefined, '/api/tasks', 'GET')).toBe(false);
});

describe("daprd's matching, as the evaluator reproduces it", () => {
  const acl = (operations: { name: string; httpVerb: string[] }[]) =>
    parseAccessControl({
      defaultAction: 'deny',
      trustDomain: TRUST_DOMAIN,
      policies: [
        {
          ...id('a'),
          defaultAction: 'deny',
          operations: operations.map((o) => ({ ...o, action: 'allow' as const })),
        },
      ],
    } satisfies AccessControlSpec);

  it('a policy on /api/** opens everything under /api and nothing else', () => {
    const api = acl([{ name: '/api/**', httpVerb: ['GET'] }]);
    expect(api.allows(id('a'), '/api/tasks/1/complete', 'GET')).toBe(true);
    expect(api.allows(id('a'), '/job/x', 'GET')).toBe(false);
  });

  it('a stored literal name matches every path below it, and its verbs win over longer names', () => {
    const tasks = acl([
      { name: '/api/tasks', httpVerb: ['GET', 'POST'] },
      { name: '/api/tasks/*', httpVerb: ['PATCH'] },
    ]);
    expect(tasks.allows(id('a'), '/api/tasks/1/2', 'GET')).toBe(true);
    expect(tasks.allows(id('a'), '/api/tasks/1', 'PATCH')).toBe(false);
  });

  it('`*` matches only a last segment, and a trailing `/*` also matches the bare path', () => {
    const star = acl([{ name: '/api/tasks/*/complete', httpVerb: ['POST'] }]);
    expect(star.allows(id('a'), '/api/tasks/1/complete', 'POST')).toBe(false);
    const trailing = acl([{ name: '/api/chat/*', httpVerb: ['GET'] }]);
    expect(trailing.allows(id('a'), '/api/chat', 'GET')).toBe(true);
    expect(trailing.allows(id('a'), '/api/chat/1/2', 'GET')).toBe(false);
  });

  it('the layout writes a parameter before the last segment as `**` and stores literal names first', () => {
    expect(daprOperations([{ method: 'POST', path: '/a/:id/b' }])).toEqual([
      { name: '/a/**/b', httpVerb: ['POST'], action: 'allow' },
    ]);
    expect(
      daprOperations([
        { method: 'GET', path: '/a/:id/b' },
        { method: 'GET', path: '/a/x' },
      ]).map((o) => o.name),
    ).toEqual(['/a/x', '/a/**/b']);
  });
});
