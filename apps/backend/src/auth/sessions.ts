// Users and sessions: sign-up, sign-in, sign-out, and turning a bearer token back into a user.
import { randomUUID } from 'node:crypto';
import { TOKEN_TTL_SECONDS, TokenError, type TokenService } from '@todo/auth';
import type { SignInRequest, SignUpRequest } from '@todo/contracts';
import { ApiError, precompiled } from '@todo/service-kit';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../db/schema';
import { sessionEndedRow, writeOutbox } from '../outbox/outbox';
import { passwordWeakness } from './password-policy';
import { hashPassword, verifyPassword } from './passwords';
import type { AuthThrottle } from './throttle';

export interface CurrentUser {
  id: string;
  email: string;
  displayName: string | null;
  timezone: string;
  sessionId: string;
}

export const publicUser = (user: UserRow) => ({
  id: user.id,
  email: user.email,
  display_name: user.display_name,
  timezone: user.timezone,
});

/** The session behind a token, with its user: read on every request, so compiled once (service-kit's precompiled). */
const sessionLookup = precompiled(
  (db: Kysely<Database>, { sessionId, userId }: { sessionId: string; userId: string }) =>
    db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.timezone',
        'sessions.revoked_at',
        'sessions.expires_at',
      ])
      .where('sessions.id', '=', sessionId)
      .where('sessions.user_id', '=', userId),
);

// a fixed hash to compare against when the email is unknown, so both paths take the same time
let decoyHash: Promise<string> | undefined;

export class AuthService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokens: TokenService,
    private readonly throttle: AuthThrottle,
    /** Called after a commit that wrote outbox rows (wakes the relay). */
    private readonly onChange: () => void = () => undefined,
  ) {}

  private async openSession(user: UserRow) {
    const sessionId = randomUUID();
    const now = new Date();
    await this.db
      .insertInto('sessions')
      .values({
        id: sessionId,
        user_id: user.id,
        expires_at: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000),
        revoked_at: null,
      })
      .execute();
    return { token: await this.tokens.sign({ userId: user.id, sessionId }, now), user: publicUser(user) };
  }

  /** `address` is the client's throttling bucket (see client-address.ts). */
  async signUp(input: SignUpRequest, address: string) {
    const email = input.email.trim().toLowerCase();
    await this.throttle.beforeSignUp(address);
    const weakness = passwordWeakness(input.password, [email, input.display_name]);
    if (weakness) {
      throw new ApiError(400, 'VALIDATION_FAILED', `the request body is not valid: password: ${weakness}`, [
        { path: 'password', message: weakness },
      ]);
    }
    const existing = await this.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing) throw new ApiError(409, 'EMAIL_TAKEN', 'an account with this email already exists: sign in instead');
    const user: UserRow = {
      id: randomUUID(),
      email,
      password_hash: await hashPassword(input.password),
      display_name: input.display_name?.trim() || null,
      timezone: input.timezone ?? 'UTC',
      created_at: new Date(),
    };
    try {
      await this.db.insertInto('users').values(user).execute();
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ApiError(409, 'EMAIL_TAKEN', 'an account with this email already exists: sign in instead');
      }
      throw error;
    }
    return this.openSession(user);
  }

  /**
   * Same answer, status and work (one hash) whether the email is unknown or the password wrong; throttled per
   * account and per `address` before any hashing.
   */
  async signIn(input: SignInRequest, address: string) {
    const email = input.email.trim().toLowerCase();
    await this.throttle.beforeSignIn(email, address);
    const user = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    decoyHash ??= hashPassword('decoy password for unknown emails');
    const ok = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash));
    if (!user || !ok) throw new ApiError(401, 'INVALID_CREDENTIALS', 'the email or the password is wrong');
    await this.throttle.signedIn(email, address);
    return this.openSession(user);
  }

  /** Revokes the session and, in the same transaction, tells notification-service to close its streams. */
  async signOut(user: { id: string; sessionId: string }): Promise<void> {
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      const ended = await trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('id', '=', user.sessionId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) > 0) await writeOutbox(trx, [sessionEndedRow(user.id, user.sessionId, now)]);
    });
    this.onChange();
  }

  /** Changes the account's time zone (new tasks take it; the page shows every time in it). */
  async setTimezone(userId: string, timezone: string): Promise<void> {
    await this.db.updateTable('users').set({ timezone }).where('id', '=', userId).execute();
  }

  /** The user behind an `Authorization: Bearer` header, or a 401 saying why not. */
  async authenticate(header: string | undefined): Promise<CurrentUser> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new ApiError(401, 'UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <token>');
    let claims: Awaited<ReturnType<TokenService['verify']>>;
    try {
      claims = await this.tokens.verify(match[1] as string);
    } catch (error) {
      if (error instanceof TokenError) throw new ApiError(401, error.code, error.message);
      throw error;
    }
    const { rows } = await sessionLookup(this.db, { sessionId: claims.sessionId, userId: claims.userId });
    const row = rows[0];
    if (!row || row.revoked_at || new Date(row.expires_at) < new Date()) {
      throw new ApiError(401, 'SESSION_ENDED', 'this sign-in has ended: sign in again');
    }
    return {
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      timezone: row.timezone,
      sessionId: claims.sessionId,
    };
  }
}
