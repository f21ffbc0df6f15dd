// Sign-in throttling (shared by replicas through Postgres), the password policy, and sign-out's session-ended event.
import { CLIENT_ADDRESS_HEADER, TaskUpdateSchema, TOPICS } from '@todo/contracts';
import { eventually, freePort } from '@todo/testkit';
import pino from 'pino';
import { type RunningBackend, startBackend } from '../src/main';
import { passwordHashes } from '../src/metrics';
import { APP_TOKEN, BackendHarness } from './harness';

const h = new BackendHarness();
const PASSWORD = 'correct horse battery';
let second: RunningBackend;
let secondPort: number;

beforeAll(async () => {
  await h.start();
  for (const who of ['alice', 'bob', 'carol', 'dave']) await h.signUp(`${who}@example.com`);
  // a second replica on the same database, as in a cluster
  secondPort = await freePort();
  second = await startBackend({
    dapr: h.dapr(),
    logger: pino({ level: 'silent' }),
    port: secondPort,
    hostname: '127.0.0.1',
    appToken: APP_TOKEN,
    migrate: false,
    relay: false,
  });
}, 60_000);
afterAll(async () => {
  await second?.stop();
  await h.stop();
});

const hashes = async () => (await passwordHashes.get()).values[0]?.value ?? 0;

/** A sign-in from `address` (as the frontend names it), through replica 1 or 2. */
const signIn = async (email: string, password: string, address: string, replica: 1 | 2 = 1) => {
  const init = { body: { email, password }, headers: { [CLIENT_ADDRESS_HEADER]: address } };
  if (replica === 1) return h.api('/api/auth/sign-in', init);
  const res = await fetch(`http://127.0.0.1:${secondPort}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(init.body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
};

describe('sign-in throttling', () => {
  it('answers 429 with Retry-After after 10 failures from one address, without hashing the 11th', async () => {
    for (let i = 0; i < 10; i++)
      expect((await signIn('alice@example.com', `wrong ${i}`, '203.0.113.1')).status).toBe(401);
    const before = await hashes();
    const started = Date.now();
    const refused = await signIn('alice@example.com', 'wrong again', '203.0.113.1');
    const took = Date.now() - started;
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(refused.json.error.message).toMatch(/try again in \d+ s/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await hashes()).toBe(before);
    // even the right password waits, from that address; the owner elsewhere is not locked out
    expect((await signIn('alice@example.com', PASSWORD, '203.0.113.1')).status).toBe(429);
    expect(await hashes()).toBe(before);
    expect((await signIn('alice@example.com', PASSWORD, '198.51.100.7')).status).toBe(200);
    expect(took).toBeLessThan(1_000);
  });

  it('counts failures on two replicas of the backend together', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await signIn('bob@example.com', `wrong ${i}`, '203.0.113.2', i % 2 ? 2 : 1);
      expect(res.status).toBe(401);
    }
    expect((await signIn('bob@example.com', 'wrong', '203.0.113.2', 1)).status).toBe(429);
    expect((await signIn('bob@example.com', 'wrong', '203.0.113.2', 2)).status).toBe(429);
  });

  it('starts the account count again after a right password', async () => {
    for (let i = 0; i < 9; i++)
      expect((await signIn('carol@example.com', `wrong ${i}`, '203.0.113.3')).status).toBe(401);
    expect((await signIn('carol@example.com', PASSWORD, '203.0.113.3')).status).toBe(200);
    for (let i = 0; i < 10; i++)
      expect((await signIn('carol@example.com', `wrong ${i}`, '203.0.113.3')).status).toBe(401);
    expect((await signIn('carol@example.com', PASSWORD, '203.0.113.3')).status).toBe(429);
  });

  it('answers an unknown email exactly as a wrong password, with the same work and the same throttling', async () => {
    const answers = [];
    for (const email of ['dave@example.com', 'nobody@example.com']) {
      const before = await hashes();
      const first = await signIn(email, 'wrong password', '203.0.113.4');
      expect(await hashes()).toBe(before + 1);
      for (let i = 1; i < 10; i++) await signIn(email, `wrong ${i}`, '203.0.113.4');
      const throttled = await signIn(email, 'wrong password', '203.0.113.4');
      answers.push([first.status, first.json, throttled.status, throttled.json.error.code]);
    }
    expect(answers[0]).toEqual([
      401,
      { error: { code: 'INVALID_CREDENTIALS', message: 'the email or the password is wrong' } },
      429,
      'TOO_MANY_ATTEMPTS',
    ]);
    expect(answers[1]).toEqual(answers[0]);
  });

  it('throttles one address trying many accounts (100 failures in 15 minutes)', async () => {
    const address = '2001:db8:1:2::5';
    const tries = Array.from({ length: 100 }, (_, i) => signIn(`sprayed-${i}@example.com`, 'Summer2024!', address));
    for (let i = 0; i < tries.length; i += 10) {
      const batch = await Promise.all(tries.slice(i, i + 10));
      expect(batch.map((r) => r.status)).toEqual(Array(batch.length).fill(401));
    }
    // the same /64 is the same address
    const next = await signIn('someone-else@example.com', 'Summer2024!', '2001:db8:1:2:ffff::9');
    expect(next.status).toBe(429);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 60_000);

  it('throttles sign-ups from one address (20 an hour)', async () => {
    const signUp = (i: number) =>
      h.api('/api/auth/sign-up', {
        body: { email: `spam-${i}@example.com`, password: PASSWORD },
        headers: { [CLIENT_ADDRESS_HEADER]: '192.0.2.99' },
      });
    for (let i = 0; i < 20; i++) expect((await signUp(i)).status).toBe(201);
    const before = await hashes();
    const refused = await signUp(20);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await hashes()).toBe(before);
  }, 30_000);
});

describe('password policy', () => {
  it.each([
    ['a common 8-digit number', '12345678'],
    ['"password"', 'password'],
    ['ten spaces', '          '],
    ['a common password with digits', 'password123'],
    ['a keyboard row', 'qwertyuiop'],
    ['the email with a digit', 'erin@example.com1'],
  ])('refuses %s with a reason on the password field', async (_name, password) => {
    const res = await h.api('/api/auth/sign-up', { body: { email: 'erin@example.com', password } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_FAILED');
    expect(res.json.error.details).toHaveLength(1);
    expect(res.json.error.details[0].path).toBe('password');
    expect(res.json.error.details[0].message.length).toBeGreaterThan(5);
  });

  it('accepts a long passphrase', async () => {
    const res = await h.api('/api/auth/sign-up', {
      body: { email: 'erin@example.com', password: 'violet kayak under moonlight' },
    });
    expect(res.status).toBe(201);
  });
});

describe('sign-out', () => {
  it('publishes session-ended on task-updates, in the sign-out transaction', async () => {
    const { json } = await signIn('dave@example.com', PASSWORD, '198.51.100.8');
    const sid = JSON.parse(Buffer.from(json.token.split('.')[1], 'base64url').toString()).sid;
    expect((await h.api('/api/auth/sign-out', { method: 'POST', token: json.token })).status).toBe(204);
    const event = await eventually(() => {
      const found = h.eventsOn(TOPICS.taskUpdates).find((e) => e.data.session_id === sid);
      if (!found) throw new Error('no session-ended event yet');
      return found;
    });
    expect(event.type).toBe('session.ended');
    expect(TaskUpdateSchema.parse(event.data)).toEqual({
      op: 'session-ended',
      session_id: sid,
      user_id: json.user.id,
      timestamp: expect.any(String),
    });
  });
});
