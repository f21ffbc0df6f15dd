// Bearer tokens: HS256 JWTs (jose) naming the user and the session, so sign-out can revoke them.
import { TOKEN_ISSUER } from '@todo/contracts';
import { errors, jwtVerify, SignJWT } from 'jose';

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

export class TokenService {
  private readonly key: Uint8Array;

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
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: TOKEN_ISSUER, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new TokenError('TOKEN_INVALID');
      return { userId: payload.sub, sessionId: payload.sid };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenError('TOKEN_EXPIRED');
      throw new TokenError('TOKEN_INVALID');
    }
  }
}
