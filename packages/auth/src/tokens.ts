// Bearer tokens: HS256 JWTs (jose) naming the user and the session, so sign-out can revoke them.
import { TOKEN_ISSUER } from '@todo/contracts';
import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';

export const TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export interface TokenClaims {
  userId: string;
  sessionId: string;
}

export class TokenError extends Error {
  constructor(readonly code: 'TOKEN_EXPIRED' | 'TOKEN_INVALID') {
    super(code === 'TOKEN_EXPIRED' ? 'the sign-in has expired: sign in again' : 'the bearer token is not valid');
  }
}

/** How many verified tokens a service remembers: a token in use stays; one not seen lately is checked again. */
const VERIFIED_TOKENS_KEPT = 10_000;

export class TokenService {
  private readonly key: Uint8Array;
  /**
   * Tokens whose signature has been checked, with their claims and expiry. A client sends the same token on every
   * request, and its HMAC (WebCrypto, about a tenth of a request's CPU) says the same each time; expiry is still
   * checked on every request, and revocation is the session row's, which the caller reads on every request anyway.
   * Only a token that verified is kept, so a flood of bad tokens cannot push good ones out.
   */
  private readonly verified = new LRUCache<string, { claims: TokenClaims; expiresAt: number }>({
    max: VERIFIED_TOKENS_KEPT,
  });

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: TokenClaims, now = new Date()): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + TOKEN_TTL_SECONDS)
      .sign(this.key);
  }

  async verify(token: string): Promise<TokenClaims> {
    const known = this.verified.get(token);
    if (known) {
      // as jose decides: expired once the current second reaches exp
      if (Math.floor(Date.now() / 1000) < known.expiresAt) return known.claims;
      this.verified.delete(token);
      throw new TokenError('TOKEN_EXPIRED');
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: TOKEN_ISSUER, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new TokenError('TOKEN_INVALID');
      const claims = { userId: payload.sub, sessionId: payload.sid };
      if (typeof payload.exp === 'number') this.verified.set(token, { claims, expiresAt: payload.exp });
      return claims;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenError('TOKEN_EXPIRED');
      throw new TokenError('TOKEN_INVALID');
    }
  }
}
