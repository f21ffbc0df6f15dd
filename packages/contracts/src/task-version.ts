// A task's version as an HTTP validator: the backend sends it as ETag, a client sends it back in If-Match, and a
// change made meanwhile answers 412 with the task as it is now. No zod here: the browser bundle imports it.

/** The error code of a 412: the task changed since the version the client named. */
export const TASK_CHANGED = 'TASK_CHANGED';

/** The ETag of a task at `version`. */
export const taskEtag = (version: number): string => `"${version}"`;

/**
 * The versions an If-Match header names: `any` for `*`, a list for `"3"` or `"3", W/"4"`, or undefined when a part is
 * not one of ours (the request is then refused, never applied unchecked).
 */
export function ifMatchVersions(header: string): number[] | 'any' | undefined {
  if (header.trim() === '*') return 'any';
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(part);
    if (!match) return undefined;
    versions.push(Number(match[1]));
  }
  return versions.length ? versions : undefined;
}
