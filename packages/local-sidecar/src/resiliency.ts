// Resiliency policies (timeouts, retries, circuit breakers) resolved for one target, as the Resiliency spec defines.
import { parseGoDuration } from './config/duration';
import type { ResiliencyResource, ResiliencyTarget } from './config/resources';

export interface RetryPolicy {
  policy: 'constant' | 'exponential';
  durationMs: number;
  maxIntervalMs: number;
  /** -1 retries forever. */
  maxRetries: number;
  /** Which HTTP statuses count as a failure worth retrying. */
  retriesStatus(status: number): boolean;
}

export interface TargetPolicies {
  timeoutMs?: number;
  retry?: RetryPolicy;
  circuitBreaker?: CircuitBreaker;
}

function statusMatcher(spec: string | undefined): (status: number) => boolean {
  if (!spec) return (status) => status >= 500;
  const ranges = spec.split(',').map((part) => {
    const [from, to] = part.trim().split('-').map(Number);
    if (!Number.isInteger(from)) throw new Error(`invalid httpStatusCodes entry "${part}"`);
    return [from as number, (to ?? from) as number] as const;
  });
  return (status) => ranges.some(([from, to]) => status >= from && status <= to);
}

/** Delay before retry number `attempt` (1-based). */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  if (policy.policy === 'constant') return policy.durationMs;
  return Math.min(policy.maxIntervalMs, 500 * 1.5 ** (attempt - 1));
}

export const retriesLeft = (policy: RetryPolicy, attemptsSoFar: number) =>
  policy.maxRetries < 0 || attemptsSoFar <= policy.maxRetries;

/** Closed → open after the trip condition, half-open after `timeout`, closed again after a success. */
export class CircuitBreaker {
  private state: 'closed' | 'open' | 'half-open' = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private halfOpenInFlight = 0;
  private readonly trips: (failures: number) => boolean;

  constructor(
    readonly name: string,
    trip: string,
    private readonly timeoutMs: number,
    private readonly maxRequests: number,
  ) {
    const match = /^\s*consecutiveFailures\s*(>=|>)\s*(\d+)\s*$/.exec(trip);
    if (!match)
      throw new Error(
        `circuit breaker ${name}: the stand-in reads trips like "consecutiveFailures >= 5", not "${trip}"`,
      );
    const limit = Number(match[2]);
    this.trips = match[1] === '>=' ? (n) => n >= limit : (n) => n > limit;
  }

  /** False while open: the call must not be made. */
  allow(): boolean {
    if (this.state === 'open' && Date.now() - this.openedAt >= this.timeoutMs) {
      this.state = 'half-open';
      this.halfOpenInFlight = 0;
    }
    if (this.state === 'open') return false;
    if (this.state === 'half-open') {
      if (this.halfOpenInFlight >= this.maxRequests) return false;
      this.halfOpenInFlight += 1;
    }
    return true;
  }

  success(): void {
    this.state = 'closed';
    this.consecutiveFailures = 0;
  }

  failure(): void {
    this.consecutiveFailures += 1;
    if (this.state === 'half-open' || this.trips(this.consecutiveFailures)) {
      this.state = 'open';
      this.openedAt = Date.now();
    }
  }

  get status() {
    return this.state;
  }
}

export class ResiliencyPolicies {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly resources: ResiliencyResource[]) {}

  private resolve(resource: ResiliencyResource, target: ResiliencyTarget, breakerKey: string): TargetPolicies {
    const { policies } = resource.spec;
    const result: TargetPolicies = {};
    if (target.timeout) {
      const timeout = policies.timeouts?.[target.timeout] ?? target.timeout;
      result.timeoutMs = parseGoDuration(timeout);
    }
    if (target.retry) {
      const retry = policies.retries?.[target.retry];
      if (!retry) throw new Error(`resiliency ${resource.metadata.name}: no retry policy named ${target.retry}`);
      result.retry = {
        policy: retry.policy,
        durationMs: parseGoDuration(retry.duration ?? '5s'),
        maxIntervalMs: parseGoDuration(retry.maxInterval ?? '60s'),
        maxRetries: retry.maxRetries ?? -1,
        retriesStatus: statusMatcher(retry.matching?.httpStatusCodes),
      };
    }
    if (target.circuitBreaker) {
      const spec = policies.circuitBreakers?.[target.circuitBreaker];
      if (!spec)
        throw new Error(`resiliency ${resource.metadata.name}: no circuit breaker named ${target.circuitBreaker}`);
      let breaker = this.breakers.get(breakerKey);
      if (!breaker) {
        breaker = new CircuitBreaker(
          target.circuitBreaker,
          spec.trip,
          parseGoDuration(spec.timeout ?? '60s'),
          spec.maxRequests ?? 1,
        );
        this.breakers.set(breakerKey, breaker);
      }
      result.circuitBreaker = breaker;
    }
    return result;
  }

  private applicable(callerAppId: string) {
    return this.resources.filter((r) => !r.scopes?.length || r.scopes.includes(callerAppId));
  }

  /** Policies for invoking `targetAppId` from `callerAppId`'s sidecar. */
  forApp(callerAppId: string, targetAppId: string): TargetPolicies {
    for (const resource of this.applicable(callerAppId)) {
      const target = resource.spec.targets.apps?.[targetAppId];
      if (target) return this.resolve(resource, target, `${callerAppId}->app:${targetAppId}`);
    }
    return {};
  }

  /** Inbound policies for delivering a component's messages to `appId`. */
  forComponentInbound(appId: string, component: string): TargetPolicies {
    for (const resource of this.applicable(appId)) {
      const target = resource.spec.targets.components?.[component]?.inbound;
      if (target) return this.resolve(resource, target, `${appId}<-component:${component}`);
    }
    return {};
  }
}
