// Who may invoke what on whom: Dapr's access control, the second wall behind the apps' own guards on sidecar-only
// routes. The callee's daprd checks the caller's SPIFFE id (from mTLS) against it; anything not listed is denied.
import { type AccessControlSpec, type AppPolicy, parseAccessControl } from './dapr-acl';
import { INVOCATIONS, type Invocation } from './invocations';
import { ALL_APP_IDS, type AppId } from './names';

export * from './dapr-acl';

/** SPIFFE trust domain of app identities: Dapr's default, given by sentry when no Configuration names another. */
export const TRUST_DOMAIN = 'public';
/** The namespace in a self-hosted daprd's SPIFFE id (its NAMESPACE variable; Dapr's default when unset). */
export const LOCAL_NAMESPACE = 'default';

type Route = Pick<Invocation, 'method' | 'path'>;
const segments = (path: string) => path.split('/').slice(1);
const shape = (path: string) => segments(path).map((s) => (s.startsWith(':') ? ':' : s));
const rank = (segment: string) => (segment === '**' ? 2 : segment === '*' ? 1 : 0);

/** Literals before `*` before `**` at each level: daprd tries a level's names in the order they were stored. */
function byTrieOrder(a: string, b: string): number {
  const [x, y] = [segments(a), segments(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const [s, t] = [x[i] as string, y[i] as string];
    if (s !== t) return rank(s) - rank(t) || (s < t ? -1 : 1);
  }
  return x.length - y.length;
}

/**
 * Dapr operation names for `routes`, laid out for daprd's matching: a stored literal name also matches every path
 * below it, so a route with routes below it becomes `<path>/*` (which matches the bare path too); a trailing
 * parameter is `*`, one before the last segment `**` (daprd's `*` only matches a last segment, its `**` there
 * matches one segment). Verbs of routes that share a name are merged. Throws if a route would still be denied.
 */
export function daprOperations(routes: readonly Route[]): AppPolicy['operations'] {
  const verbs = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    const own = shape(path);
    const hasRoutesBelow = routes.some(
      (r) => shape(r.path).length > own.length && own.every((s, i) => shape(r.path)[i] === s),
    );
    const names = own.map((s, i) => (s !== ':' ? s : i === own.length - 1 ? '*' : '**'));
    if (hasRoutesBelow && own.at(-1) !== ':') names.push('*');
    const name = `/${names.join('/')}`;
    verbs.set(name, (verbs.get(name) ?? new Set()).add(method));
  }
  const operations = [...verbs.keys()]
    .sort(byTrieOrder)
    .map((name) => ({ name, httpVerb: [...(verbs.get(name) as Set<string>)].sort(), action: 'allow' as const }));
  const acl = parseAccessControl({
    defaultAction: 'deny',
    trustDomain: TRUST_DOMAIN,
    policies: [{ appId: 'probe', defaultAction: 'deny', trustDomain: TRUST_DOMAIN, namespace: 'probe', operations }],
  });
  for (const { method, path } of routes) {
    const sample = path.replace(/:[^/]+/g, '0');
    if (!acl.allows({ appId: 'probe', namespace: 'probe', trustDomain: TRUST_DOMAIN }, sample, method)) {
      throw new Error(`Dapr's access control as laid out here would deny ${method} ${path}`);
    }
  }
  return operations;
}

function accessControl(invocations: readonly Invocation[], namespace: string): AccessControlSpec {
  const policies = ALL_APP_IDS.flatMap((caller): AppPolicy[] => {
    const routes = invocations.filter((i) => i.caller === caller);
    if (!routes.length) return [];
    const operations = daprOperations(routes);
    return [{ appId: caller, defaultAction: 'deny', trustDomain: TRUST_DOMAIN, namespace, operations }];
  });
  return { defaultAction: 'deny', trustDomain: TRUST_DOMAIN, policies };
}

/** `spec.accessControl` of `callee`'s own Configuration: who may call it, and what. */
export const accessControlFor = (callee: AppId, namespace: string): AccessControlSpec =>
  accessControl(
    INVOCATIONS.filter((i) => i.callee === callee),
    namespace,
  );

/**
 * `spec.accessControl` of one Configuration shared by every app. Dapr keys operations by caller only, so each
 * caller's operations are the union over the apps it calls; each of those apps serves only its own.
 */
export const sharedAccessControl = (namespace: string): AccessControlSpec => accessControl(INVOCATIONS, namespace);
