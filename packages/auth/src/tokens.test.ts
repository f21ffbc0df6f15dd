import { SignJWT } from 'jose';
import { TOKEN_TTL_SECONDS, TokenError, TokenService } from './tokens';

const SECRET = 'a-test-auth-secret-that-is-long-enough-0123456789';
const claims = { userId: 'user-1', sessionId: 'session-1' };

afterEach(() => jest.useRealTimers());

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof TokenError ? error.code : String(error)),
  );

it('verifies its own tokens, the second time from what it remembers, with the same claims', async () => {
  const tokens = new TokenService(SECRET);
  const token = await tokens.sign(claims);
  expect(await tokens.verify(token)).toEqual(claims);
  expect(await tokens.verify(token)).toEqual(claims);
});

it('refuses a remembered token once it expires, as on its first verification', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  const issued = new Date('2030-01-01T00:00:00Z');
  jest.setSystemTime(issued);
  const tokens = new TokenService(SECRET);
  const token = await tokens.sign(claims, issued);
  expect(await tokens.verify(token)).toEqual(claims);
  jest.setSystemTime(issued.getTime() + (TOKEN_TTL_SECONDS - 1) * 1000);
  expect(await tokens.verify(token)).toEqual(claims);
  jest.setSystemTime(issued.getTime() + TOKEN_TTL_SECONDS * 1000);
  expect(await code(tokens.verify(token))).toBe('TOKEN_EXPIRED');
  expect(await code(new TokenService(SECRET).verify(token))).toBe('TOKEN_EXPIRED');
  expect(await code(tokens.verify(token))).toBe('TOKEN_EXPIRED');
});

it('refuses a forged or altered token even while the genuine one is remembered', async () => {
  const tokens = new TokenService(SECRET);
  const token = await tokens.sign(claims);
  await tokens.verify(token);
  const forged = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer('todo-chatbot')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('another-secret-that-is-long-enough-0123456789'));
  expect(await code(tokens.verify(forged))).toBe('TOKEN_INVALID');
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const flipped = `${signature.slice(0, 5)}${signature[5] === 'A' ? 'B' : 'A'}${signature.slice(6)}`;
  expect(await code(tokens.verify(`${header}.${payload}.${flipped}`))).toBe('TOKEN_INVALID');
  expect(await code(tokens.verify(`${token}x`))).toBe('TOKEN_INVALID');
  expect(await tokens.verify(token)).toEqual(claims);
});
