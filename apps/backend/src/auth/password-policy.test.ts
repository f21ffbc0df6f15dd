// The strength estimate: guessable passwords refused, the user's own email counted as known, and the ranked word
// lists dropped when no one has needed them for a while (and built again for the next).
import { ESTIMATOR_IDLE_MS, estimatorBuilt, passwordWeakness } from './password-policy';

// the estimator's first use starts its idle timer: every test here runs on fake timers
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('refuses a common password and the email, accepts an unguessable one', () => {
  expect(passwordWeakness('password123', [])).toMatch(/^too easy to guess/);
  const email = 'zelmerqox99@example.com';
  expect(passwordWeakness('zelmerqox99', [])).toBeUndefined();
  expect(passwordWeakness('zelmerqox99', [email])).toMatch(/^too easy to guess: There should not be any personal/);
  expect(passwordWeakness('quartz lantern ribbon 47', [])).toBeUndefined();
});

it('drops the estimator after it has been idle, and builds it again when asked', () => {
  passwordWeakness('password123', []);
  expect(estimatorBuilt()).toBe(true);
  jest.advanceTimersByTime(ESTIMATOR_IDLE_MS - 1_000);
  passwordWeakness('quartz lantern ribbon 47', []); // a use restarts the wait
  jest.advanceTimersByTime(ESTIMATOR_IDLE_MS - 1_000);
  expect(estimatorBuilt()).toBe(true);
  jest.advanceTimersByTime(1_000);
  expect(estimatorBuilt()).toBe(false);
  expect(passwordWeakness('password123', [])).toMatch(/^too easy to guess/);
  expect(estimatorBuilt()).toBe(true);
});
