// Typed failures of sidecar calls: which building block, which component, what came back.

export type BuildingBlock = 'pubsub' | 'state' | 'secrets' | 'invoke' | 'jobs' | 'health' | 'metadata';

export interface DaprCallContext {
  block: BuildingBlock;
  /** Component name, target app id or job name: what the call was about. */
  target: string;
  operation: string;
}

export class DaprError extends Error {
  readonly block: BuildingBlock;
  readonly target: string;
  readonly operation: string;

  constructor(context: DaprCallContext, detail: string, options?: { cause?: unknown }) {
    super(`Dapr ${context.block} "${context.target}" ${context.operation}: ${detail}`, options);
    this.name = new.target.name;
    this.block = context.block;
    this.target = context.target;
    this.operation = context.operation;
  }
}

/** The sidecar did not answer within the time limit. */
export class DaprTimeoutError extends DaprError {
  constructor(
    context: DaprCallContext,
    readonly timeoutMs: number,
  ) {
    super(context, `no answer within ${timeoutMs} ms`);
  }
}

/** The sidecar could not be reached at all (refused, reset, DNS). */
export class DaprUnreachableError extends DaprError {}

/** The sidecar answered with a status the operation does not accept. */
export class DaprStatusError extends DaprError {
  constructor(
    context: DaprCallContext,
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly body: string,
  ) {
    super(context, `HTTP ${status}${errorCode ? ` ${errorCode}` : ''}${body ? `: ${body.slice(0, 500)}` : ''}`);
  }
}

/** A state write or delete lost an optimistic-concurrency race (ETag mismatch). */
export class DaprEtagMismatchError extends DaprStatusError {}
