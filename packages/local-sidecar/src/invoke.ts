// Service invocation: the callee's access control, then method, path, query, headers and a streaming body forwarded
// to the target app, with resiliency.
import { posix } from 'node:path';
import { type AccessControlList, headerNotUtf8, LOCAL_NAMESPACE, TRUST_DOMAIN } from '@todo/contracts';
import { newTraceparent } from '@todo/service-kit';
import type { Logger } from 'pino';
import { type AppInstance, appHeaders, appUrl } from './app-instance';
import type { ResiliencyPolicies } from './resiliency';
import { backoffMs, retriesLeft } from './resiliency';

const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'dapr-api-token',
  'dapr-app-id',
]);

const invokeError = (message: string, status = 500) =>
  new Response(JSON.stringify({ errorCode: 'ERR_DIRECT_INVOKE', message }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/** daprd's NormalizeMethod on the decoded path: what its access control sees (undefined: daprd refuses it). */
function normalizeMethod(method: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(method);
  } catch {
    return undefined;
  }
  if ([...decoded].some((ch) => '#?'.includes(ch) || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    return undefined;
  }
  // Go's path.Clean: like posix.normalize, without a trailing slash
  let cleaned = posix.normalize(decoded).replace(/(.)\/+$/, '$1');
  while (cleaned.startsWith('../')) cleaned = cleaned.slice(3);
  return cleaned === '..' || cleaned === '.' ? '' : cleaned;
}

export class Invoker {
  private readonly roundRobin = new Map<string, number>();

  constructor(
    private readonly instances: (appId: string) => AppInstance[],
    private readonly resiliency: ResiliencyPolicies,
    private readonly appToken: string | undefined,
    private readonly logger: Logger,
    /** Each callee's access control; a callee without one takes every call. */
    private readonly accessControl: ReadonlyMap<string, AccessControlList> = new Map(),
  ) {}

  /** The callee's daprd decides, knowing the caller by its mTLS identity; here the caller is the port it called. */
  private denied(callerAppId: string, targetAppId: string, method: string, verb: string): Response | undefined {
    const acl = this.accessControl.get(targetAppId);
    if (!acl) return undefined;
    const caller = { appId: callerAppId, namespace: LOCAL_NAMESPACE, trustDomain: TRUST_DOMAIN };
    const operation = normalizeMethod(method);
    if (operation !== undefined && acl.allows(caller, operation, verb)) return undefined;
    const id = `spiffe://${caller.trustDomain}/ns/${caller.namespace}/${callerAppId}`;
    return invokeError(
      `failed to invoke, id: ${targetAppId}, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: ${id} operation: ${operation ?? method} verb: ${verb}`,
      403,
    );
  }

  private pick(appId: string): AppInstance | undefined {
    const all = this.instances(appId).filter((i) => i.appPort !== undefined);
    if (all.length === 0) return undefined;
    const n = this.roundRobin.get(appId) ?? 0;
    this.roundRobin.set(appId, n + 1);
    return all[n % all.length];
  }

  async invoke(callerAppId: string, targetAppId: string, method: string, request: Request): Promise<Response> {
    if (this.instances(targetAppId).length === 0) {
      // the words of daprd's sqlite name resolution, which the runner configures
      return invokeError(`failed to invoke, id: ${targetAppId}, err: no host found with the given ID`);
    }
    const denied = this.denied(callerAppId, targetAppId, method, request.method.toUpperCase());
    if (denied) return denied;
    // daprd carries headers to the callee's daprd as protobuf strings, which must be UTF-8
    if (headerNotUtf8(request.headers)) {
      return invokeError(
        `failed to invoke, id: ${targetAppId}, err: error sending message: rpc error: code = Internal desc = grpc: error while marshaling: string field contains invalid UTF-8`,
      );
    }
    const policies = this.resiliency.forApp(callerAppId, targetAppId);
    const headers = new Headers();
    request.headers.forEach((value, key) => {
      if (!NOT_FORWARDED.has(key)) headers.set(key, value);
    });
    for (const [key, value] of Object.entries(appHeaders(this.appToken))) headers.set(key, value);
    headers.set('dapr-caller-app-id', callerAppId);
    headers.set('dapr-callee-app-id', targetAppId);
    if (!headers.has('traceparent')) headers.set('traceparent', newTraceparent());
    const search = new URL(request.url).search;
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
    // a body can be sent again only if it was read into memory; without retries it streams through
    const body = hasBody ? (policies.retry ? await request.arrayBuffer() : request.body) : undefined;

    for (let attempt = 1; ; attempt += 1) {
      const breaker = policies.circuitBreaker;
      if (breaker && !breaker.allow()) {
        return invokeError(`failed to invoke, id: ${targetAppId}: circuit breaker ${breaker.name} is open`);
      }
      const target = this.pick(targetAppId);
      if (!target) return invokeError(`failed to invoke, id: ${targetAppId}: the app has no port`);
      let failure: string | undefined;
      let response: Response | undefined;
      try {
        const init: RequestInit & { duplex?: 'half' } = {
          method: request.method,
          headers,
          body: body as BodyInit | undefined,
          redirect: 'manual',
          signal: policies.timeoutMs ? AbortSignal.timeout(policies.timeoutMs) : request.signal,
        };
        if (body) init.duplex = 'half';
        response = await fetch(`${appUrl(target, method)}${search}`, init);
        // as daprd: any answer outside 200-399 is a failure to the circuit breaker (retried only if the policy matches)
        if (response.status < 200 || response.status > 399) failure = `HTTP ${response.status}`;
      } catch (error) {
        failure =
          error instanceof Error
            ? `${error.message}${error.cause ? ` (${String((error.cause as Error).message ?? error.cause)})` : ''}`
            : String(error);
      }
      if (!failure) {
        breaker?.success();
        return response as Response;
      }
      breaker?.failure();
      const retry = policies.retry;
      const retryable = retry && (!response || retry.retriesStatus(response.status));
      if (retry && retryable && retriesLeft(retry, attempt)) {
        await response?.arrayBuffer().catch(() => undefined);
        this.logger.debug({ target: targetAppId, method, attempt, failure }, 'invocation failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoffMs(retry, attempt)));
        continue;
      }
      if (response) return response;
      return invokeError(`failed to invoke, id: ${targetAppId}, err: ${failure}`);
    }
  }
}
