// Sign-in and sign-up throttling, counted in Postgres (rate-limiter-flexible) so every backend replica sees the same
// counts. A throttled attempt is refused before any password is hashed: hashing is what an attacker makes us pay for.
import { createHash } from 'node:crypto';
import { ApiError } from '@todo/service-kit';
import type pg from 'pg';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import { authThrottled } from '../metrics';

/** Made by migration 0004_auth_throttle (the library's own create-at-start-up is turned off). */
export const THROTTLE_TABLE = 'auth_throttle';

interface Limit {
  points: number;
  /** Seconds; the window starts with its first point and the count resets when it ends. */
  duration: number;
}

export interface ThrottleLimits {
  /** Failed sign-ins to one account from one address: guessing one password (the attack run did 830 in 20 s). */
  accountAddress: Limit;
  /**
   * Failed sign-ins to one account from any address: guessing spread over many addresses. Higher, because anyone can
   * spend it and then the owner waits too; one address alone can spend at most 4 × accountAddress of it an hour.
   */
  account: Limit;
  /** Failed sign-ins from one address to any accounts: trying one password on many accounts. */
  address: Limit;
  /** Sign-ups from one address: account-creation spam (each costs a hash and a row). */
  signUp: Limit;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  accountAddress: { points: 10, duration: 15 * 60 },
  account: { points: 100, duration: 60 * 60 },
  address: { points: 100, duration: 15 * 60 },
  signUp: { points: 20, duration: 60 * 60 },
};

type Counter = keyof ThrottleLimits;

// keys are hashed: an email can be longer than the key column, and the table need not list who was tried
const key = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url');

/** A 429; the route sends `retryAfterSeconds` as Retry-After. */
export class TooManyAttempts extends ApiError {
  constructor(
    readonly action: 'sign-in' | 'sign-up',
    readonly retryAfterSeconds: number,
  ) {
    const what = action === 'sign-in' ? 'sign-in attempts' : 'sign-ups from this address';
    super(429, 'TOO_MANY_ATTEMPTS', `too many ${what}: try again in ${retryAfterSeconds} s`);
  }
}

const tooMany = (action: 'sign-in' | 'sign-up', res: RateLimiterRes): TooManyAttempts => {
  authThrottled.inc({ action });
  return new TooManyAttempts(action, Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
};

export class AuthThrottle {
  private readonly limiters: Record<Counter, RateLimiterPostgres>;

  constructor(pool: pg.Pool, limits: ThrottleLimits = DEFAULT_LIMITS) {
    const limiter = (name: Counter, clearExpired: boolean) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: THROTTLE_TABLE,
        tableCreated: true,
        keyPrefix: name,
        // one limiter deletes expired rows (every 5 minutes), for the whole table
        clearExpiredByTimeout: clearExpired,
        ...limits[name],
      });
    this.limiters = {
      accountAddress: limiter('accountAddress', true),
      account: limiter('account', false),
      address: limiter('address', false),
      signUp: limiter('signUp', false),
    };
  }

  /**
   * Call before checking the password: throws 429 when a count is spent, else reserves one failure on each count (so
   * concurrent guesses cannot all pass the check) that `signedIn` gives back.
   */
  async beforeSignIn(email: string, address: string): Promise<void> {
    const counts = this.signInCounts(email, address);
    // a refused attempt adds nothing: an attacker past the per-address limit cannot go on to lock the account out
    const current = await Promise.all(counts.map(([c, k]) => this.limiters[c].get(k)));
    const spent = current.filter((res, i) => res && res.consumedPoints >= this.points(counts[i]?.[0] as Counter));
    if (spent.length) throw tooMany('sign-in', longest(spent as RateLimiterRes[]));
    const after = await Promise.all(counts.map(([c, k]) => this.limiters[c].penalty(k, 1)));
    const over = after.filter((res, i) => res.consumedPoints > this.points(counts[i]?.[0] as Counter));
    if (over.length) throw tooMany('sign-in', longest(over));
  }

  /** The password was right: the account's failure counts start again, and the address gets its point back. */
  async signedIn(email: string, address: string): Promise<void> {
    const [accountAddress, account, byAddress] = this.signInCounts(email, address);
    await Promise.all([
      this.limiters.accountAddress.delete(accountAddress[1]),
      this.limiters.account.delete(account[1]),
      this.limiters.address.reward(byAddress[1], 1),
    ]);
  }

  /** Call before hashing a new account's password: counts the sign-up, or throws 429. */
  async beforeSignUp(address: string): Promise<void> {
    const res = await this.limiters.signUp.penalty(key(address), 1);
    if (res.consumedPoints > this.limiters.signUp.points) throw tooMany('sign-up', res);
  }

  private signInCounts(email: string, address: string): [[Counter, string], [Counter, string], [Counter, string]] {
    return [
      ['accountAddress', key(email, address)],
      ['account', key(email)],
      ['address', key(address)],
    ];
  }

  private points(counter: Counter): number {
    return this.limiters[counter].points;
  }
}

const longest = (results: RateLimiterRes[]) => results.reduce((a, b) => (b.msBeforeNext > a.msBeforeNext ? b : a));
