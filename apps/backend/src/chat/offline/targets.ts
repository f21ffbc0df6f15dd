// Which task a person means, from the words they used: every word of a title or tag counts, a word's beginning or
// a typo of it too (fuse.js scores the likeness), so "the dentst one", "watered the plants" and "egs" find theirs.
import type { TaskSnapshot } from '@todo/contracts';
import Fuse from 'fuse.js';

/** Words that never name a task. */
const STOP = new Set(
  (
    "a an the my our your his her their this that these those it its it's i me we you to of for about on in at with " +
    'and or but from by as is are was were be been am do does did done thing things stuff task tasks todo todos ' +
    'item items one ones entry list please pls just already actually now again still yet also too really oh oops ' +
    'wait hey ok okay so then there here up off out all every everything anything something some any'
  ).split(' '),
);

export const words = (text: string): string[] =>
  (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).map((w) => w.replace(/'s$/, ''));

/** The words of a phrase that could name a task. */
export const contentWords = (text: string, extraStop: ReadonlySet<string> = new Set()): string[] =>
  words(text).filter((w) => !STOP.has(w) && !extraStop.has(w));

const taskWords = (task: TaskSnapshot) => [...new Set([...words(task.title), ...task.tags.flatMap(words)])];

/** How alike a said word is to a task's word: 1 for the same word or its beginning, less for a typo, else 0. */
function likeness(said: string, own: string, fuzzy: Map<string, Map<string, number>>): number {
  if (said === own) return 1;
  if (said.length >= 3 && own.startsWith(said)) return 1;
  // "called" / "watered" / "booked": the said word is the task's word with an ending
  if (own.length >= 4 && said.startsWith(own)) return 0.95;
  return fuzzy.get(said)?.get(own) ?? 0;
}

/** Each task with how well `said` names it (the sum over the said words of their best likeness). */
export function rank(said: string[], tasks: TaskSnapshot[]): { task: TaskSnapshot; score: number; every: boolean }[] {
  const vocabulary = [...new Set(tasks.flatMap(taskWords))];
  const fuse = new Fuse(vocabulary, {
    includeScore: true,
    threshold: 0.34,
    ignoreLocation: true,
    minMatchCharLength: 3,
  });
  const fuzzy = new Map<string, Map<string, number>>();
  for (const w of said) {
    if (w.length < 3) continue;
    fuzzy.set(w, new Map(fuse.search(w).map((r) => [r.item, 1 - (r.score ?? 1)])));
  }
  return tasks.map((task) => {
    const own = taskWords(task);
    const best = said.map((w) => Math.max(0, ...own.map((o) => likeness(w, o, fuzzy))));
    return { task, score: best.reduce((a, b) => a + b, 0), every: best.every((b) => b >= 0.66) };
  });
}

/** The tasks `said` points at: the best-named one, or several when they are named equally well. */
export function bestMatches(said: string[], tasks: TaskSnapshot[]): TaskSnapshot[] {
  if (said.length === 0) return [];
  const ranked = rank(said, tasks);
  const top = Math.max(0, ...ranked.map((r) => r.score));
  if (top < 0.6) return [];
  const tied = ranked.filter((r) => r.score >= top - 0.05).map((r) => r.task);
  // "the garage appointment": the word said first is the one that tells tasks apart
  if (tied.length > 1 && said.length > 1) {
    const first = rank([said[0] as string], tied).filter((r) => r.score >= 0.66);
    if (first.length === 1) return [first[0]?.task as TaskSnapshot];
  }
  return tied;
}

/** Every task that all of `said` names ("everything about groceries", "all the call tasks"). */
export function allMatches(said: string[], tasks: TaskSnapshot[]): TaskSnapshot[] {
  if (said.length === 0) return [];
  return rank(said, tasks)
    .filter((r) => r.every)
    .map((r) => r.task);
}
