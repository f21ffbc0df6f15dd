// Dapr's service-invocation access control as daprd 1.18 applies it (pkg/acl/acl.go, pkg/config/acl_trie.go), so
// the stand-in and the policy's own checks decide exactly as the callee's daprd does, quirks included.

/** `spec.accessControl` of a Dapr Configuration. */
export interface AccessControlSpec {
  defaultAction: 'allow' | 'deny';
  trustDomain: string;
  policies: AppPolicy[];
}

export interface AppPolicy {
  appId: string;
  defaultAction: 'allow' | 'deny';
  trustDomain: string;
  namespace: string;
  operations: { name: string; httpVerb: string[]; action: 'allow' | 'deny' }[];
}

/** What daprd reads from the caller's mTLS certificate (spiffe://<trustDomain>/ns/<namespace>/<appId>). */
export interface SpiffeId {
  appId: string;
  namespace: string;
  trustDomain: string;
}

interface Node {
  char: string;
  data?: Map<string, string>;
  children: Node[];
}

/** upstream isMatch: `*` in a segment matches any run of characters, the empty one too. */
const globMatch = (target: string, pattern: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 's').test(target);

/** upstream findNodeWithWildcard: the first child, in insertion order, that fits. */
function findChild(node: Node, char: string, isEnd: boolean): Node | undefined {
  for (const child of node.children) {
    if (child.char === char) return child;
    if (child.char === '/*') {
      if (isEnd) return child;
      continue; // a single-segment wildcard never matches before the last segment
    }
    if (child.char === '/**') return child;
    if (globMatch(char, child.char)) return child;
  }
  return undefined;
}

function put(root: Node, operation: string, verbs: Map<string, string>): void {
  const parts = operation.split('/').slice(1);
  let node = root;
  parts.forEach((part, i) => {
    const char = `/${part}`;
    let child = node.children.find((c) => c.char === char);
    if (!child) {
      child = { char, children: [] };
      node.children.push(child);
    }
    // upstream keeps the first operation stored under a name: a second entry for the same name is ignored
    if (i === parts.length - 1 && !child.data) child.data = verbs;
    node = child;
  });
}

/** upstream Trie.Search: the first stored operation met on the way down wins, so a literal name is a prefix. */
function search(root: Node, operation: string): Map<string, string> | undefined {
  const parts = operation.split('/').slice(1);
  let node: Node | undefined = root;
  for (let i = 0; i < parts.length; i += 1) {
    const isEnd = i === parts.length - 1;
    node = findChild(node, `/${parts[i]}`, isEnd);
    if (!node) return undefined;
    if (node.data) {
      if (!isEnd && node.char.endsWith('/*') && !node.char.endsWith('/**')) continue;
      return node.data;
    }
    if (isEnd) return findChild(node, '/*', true)?.data;
  }
  return undefined;
}

export interface AccessControlList {
  allows(caller: SpiffeId | undefined, operation: string, httpVerb: string): boolean;
}

/** upstream ParseAccessControlSpec for an app whose protocol is HTTP (operation names compared in lower case). */
export function parseAccessControl(spec: Partial<AccessControlSpec> | undefined): AccessControlList {
  if (!spec || (!spec.trustDomain && !spec.defaultAction && !spec.policies?.length)) return { allows: () => true };
  const defaultAction = spec.defaultAction || (spec.policies?.length === 0 ? 'allow' : 'deny');
  const invalid = (spec.policies ?? []).filter((p) => !p.appId || !p.trustDomain || !p.namespace);
  if (invalid.length) {
    throw new Error(
      `invalid access control spec: policies need appId, trustDomain and namespace (${invalid.length} do not)`,
    );
  }
  const policies = new Map(
    (spec.policies ?? []).map((policy) => {
      const root: Node = { char: '/', children: [] };
      for (const op of policy.operations ?? []) {
        const name = (op.name.startsWith('/') ? op.name : `/${op.name}`).toLowerCase();
        put(root, name, new Map((op.httpVerb ?? []).map((verb) => [verb, op.action])));
      }
      return [`${policy.appId}||${policy.namespace}`, { policy, root }];
    }),
  );
  return {
    allows(caller, operation, httpVerb) {
      let action: string = defaultAction;
      // no mTLS, no SPIFFE id: the global default decides every call
      const found = caller && policies.get(`${caller.appId}||${caller.namespace}`);
      if (!caller || !found || found.policy.trustDomain !== caller.trustDomain) return action === 'allow';
      if (found.policy.defaultAction) action = found.policy.defaultAction;
      const name = (operation.startsWith('/') ? operation : `/${operation}`).toLowerCase();
      const verbs = search(found.root, name);
      if (verbs) action = verbs.get(httpVerb.toUpperCase()) ?? verbs.get('*') ?? action;
      return action.toLowerCase() === 'allow';
    },
  };
}
