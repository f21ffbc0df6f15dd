// No lost update: a write that names the version it saw (If-Match) is refused with 412 and the task as it is now
// when someone changed the task meanwhile; every answer with a task carries its version as ETag.
import { z } from '@hono/zod-openapi';
import { ifMatchVersions, TASK_CHANGED, type TaskSnapshot, taskEtag } from '@todo/contracts';
import { ApiError } from '@todo/service-kit';
import type { Context } from 'hono';

/** What a write expects the task's version to be: any, or one of these. */
export type ExpectedVersion = number[] | 'any';

/** The task changed since the version the client named; carries the task as it is now. */
export class TaskChanged extends ApiError {
  constructor(readonly current: TaskSnapshot) {
    super(
      412,
      TASK_CHANGED,
      `this task was changed meanwhile (now version ${current.version}); look at the new version and apply your change to it`,
      undefined,
      { body: { task: current }, headers: { etag: taskEtag(current.version) } },
    );
  }
}

/** Throws TaskChanged unless `current` is at a version the client expected. */
export function checkVersion(current: TaskSnapshot, expected: ExpectedVersion | undefined): void {
  if (expected && expected !== 'any' && !expected.includes(current.version)) throw new TaskChanged(current);
}

export const IfMatchHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header' },
      example: '"3"',
      description: "the task's ETag you last saw",
    }),
});

/** The If-Match header as versions; a header that is not one of our ETags is a 400, never ignored. */
export function expectedVersion(header: string | undefined): ExpectedVersion | undefined {
  if (header === undefined) return undefined;
  const versions = ifMatchVersions(header);
  if (versions) return versions;
  const message = 'If-Match takes the ETag of the task you last saw, such as "3"';
  throw new ApiError(400, 'VALIDATION_FAILED', `if-match: ${message}`, [{ path: 'if-match', message }]);
}

/** A task answer with its ETag. */
export function withEtag<T extends TaskSnapshot>(c: Context, task: T): T {
  c.header('etag', taskEtag(task.version));
  return task;
}
