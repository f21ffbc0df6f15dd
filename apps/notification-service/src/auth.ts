// Users are authenticated as the backend does it: the JWT checked here, the session asked of the backend (through
// Dapr service invocation) and remembered briefly, so a sign-out takes effect within SESSION_CACHE_MS (at once when
// its session-ended event arrives, and streams always ask afresh).
import { TokenError, type TokenService } from '@todo/auth';
import { APP_IDS, type ApiErrorBody, SESSION_CHECK_ROUTE } from '@todo/contracts';
import type { Dapr } from '@todo/dapr';
import { ApiError } from '@todo/service-kit';

export interface StreamUser {
  id: string;
  sessionId: string;
}

const SESSION_CACHE_MS = 30_000;

export class RemoteSessions {
  private readonly cache = new Map<string, { userId: string; sessionId: string; until: number }>();

  constructor(
    private readonly tokens: TokenService,
    private readonly dapr: Dapr,
  ) {}

  /** `fresh`: ask the backend even if the answer is remembered (an event stream, open for hours, asks so). */
  async authenticate(header: string | undefined, options: { fresh?: boolean } = {}): Promise<StreamUser> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new ApiError(401, 'UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <token>');
    const token = match[1] as string;
    let userId: string;
    let sessionId: string;
    try {
      ({ userId, sessionId } = await this.tokens.verify(token));
    } catch (error) {
      if (error instanceof TokenError) throw new ApiError(401, error.code, error.message);
      throw error;
    }
    const cached = this.cache.get(token);
    if (!options.fresh && cached && cached.until > Date.now()) return { id: cached.userId, sessionId };
    let response: Response;
    try {
      response = await this.dapr.invoke.call(APP_IDS.backend, SESSION_CHECK_ROUTE.path, {
        method: SESSION_CHECK_ROUTE.method,
        headers: { authorization: `Bearer ${token}` },
        timeoutMs: 5_000,
      });
    } catch {
      throw new ApiError(503, 'AUTH_UNAVAILABLE', 'cannot check the sign-in right now: try again shortly');
    }
    if (response.status === 401) {
      this.cache.delete(token);
      const body = (await response.json().catch(() => ({}))) as Partial<ApiErrorBody>;
      throw new ApiError(401, body.error?.code ?? 'SESSION_ENDED', body.error?.message ?? 'this sign-in has ended');
    }
    if (!response.ok)
      throw new ApiError(503, 'AUTH_UNAVAILABLE', 'cannot check the sign-in right now: try again shortly');
    await response.arrayBuffer();
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { userId, sessionId, until: Date.now() + SESSION_CACHE_MS });
    return { id: userId, sessionId };
  }

  /** Drops what is remembered of a session that ended, so its next request is asked of the backend. */
  forget(sessionId: string): void {
    for (const [token, entry] of this.cache) if (entry.sessionId === sessionId) this.cache.delete(token);
  }
}
