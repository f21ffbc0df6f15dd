// What a new password must be: at least 10 characters, more than spaces, and not easy to guess (zxcvbn score 3 of 4,
// "safely unguessable": about 10^8 guesses or more, judged with the user's own email as a known word).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonWords } from '@zxcvbn-ts/language-common';
import { dictionary as englishWords, translations } from '@zxcvbn-ts/language-en';
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 10;
export const MIN_PASSWORD_SCORE = 3;

/** The checks cheap enough for the request's validation (the strength estimate runs after the sign-up throttle). */
export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200)
  .refine((p) => p.trim().length > 0, 'use more than spaces');

// the estimate's time grows fast with length and look-alike characters: measured, 200 odd characters took 5 s and
// 64 with these settings under 50 ms. Only the first 64 characters are judged, enough to tell a guessable start.
const OPTIONS = { maxLength: 64, l33tMaxSubstitutions: 8 };

/**
 * How long the estimator stays after its last use. Its ranked word lists are 15 MB of heap (and of RSS) that a backend
 * needs only for sign-ups and password changes; building them again takes about 150 ms.
 */
export const ESTIMATOR_IDLE_MS = 60_000;

let estimator: ZxcvbnFactory | undefined;
let release: NodeJS.Timeout | undefined;

/** Whether the estimator is built (it is dropped ESTIMATOR_IDLE_MS after its last use). */
export const estimatorBuilt = () => estimator !== undefined;

function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    ...OPTIONS,
    translations,
    graphs: adjacencyGraphs,
    dictionary: { ...commonWords, ...englishWords },
  });
  clearTimeout(release);
  release = setTimeout(() => {
    estimator = undefined;
  }, ESTIMATOR_IDLE_MS).unref();
  return estimator;
}

/** Why `password` is too easy to guess, or undefined when it is not. */
export function passwordWeakness(password: string, knownToOthers: (string | null | undefined)[]): string | undefined {
  const inputs = knownToOthers.flatMap((v) => (v ? [v, ...v.split(/[@.\s_+-]+/).filter((w) => w.length > 2)] : []));
  const result = strengthEstimator().check(password, inputs);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `too easy to guess${why ? `: ${why}` : ''}`;
}
