// /api/tasks: the REST face of the task domain, validated at the edge, described in the OpenAPI document.
import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { idempotencyKey, TaskPageSchema, TaskSnapshotSchema } from '@todo/contracts';
import type { MiddlewareHandler } from 'hono';
import type { BackendEnv } from '../http/env';
import { openApiApp } from '../http/openapi';
import { CreateTaskSchema, ListTasksQuerySchema, UpdateTaskSchema } from './input';
import { expectedVersion, IfMatchHeaders, withEtag } from './preconditions';
import type { TaskService } from './service';

// the contracts' schema as it is: the API returns exactly what events carry
const Task = TaskSnapshotSchema;
const TaskPage = z.object(TaskPageSchema.shape).openapi('TaskPage');
const IdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '6f1f6c52-2b0e-4d51-9a0b-0f4c3f8f2a11' }),
});
const CreateHeaders = z.object({
  'idempotency-key': idempotencyKey()
    .optional()
    .openapi({ param: { name: 'idempotency-key', in: 'header' }, example: '0b6f7a52-5d3e-4c1f-9a55-1f2f7f1c9e10' }),
});
const error = { description: 'Error: { error: { code, message, details? } }' };
const changed = {
  description:
    'The task changed since the If-Match version: { error: { code: TASK_CHANGED, message }, task } with the current task and its ETag',
};
const tagged = { etag: { description: "The task's version, for If-Match", schema: { type: 'string' as const } } };
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const secured = { security: [{ bearer: [] }] };

export function taskRoutes(tasks: TaskService, requireUser: MiddlewareHandler<BackendEnv>) {
  const app = openApiApp<BackendEnv>();
  app.use('*', requireUser);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'List, search, filter and sort your tasks',
      description:
        'q searches title, tags and description (prefix matches, ranked when no sort is given). Filters combine with AND. ' +
        'sort: due (soonest first), priority (high first), title (A–Z), created (newest first); order reverses it. ' +
        'Follow next_cursor for the next page.',
      request: { query: ListTasksQuerySchema },
      responses: { 200: { ...json(TaskPage), description: 'One page of tasks' }, 400: error, 401: error },
      ...secured,
    }),
    async (c) => c.json(await tasks.list(c.var.user.id, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create a task',
      description:
        'Send an Idempotency-Key to retry safely: the same key and body answer the task the first request made ' +
        '(with Idempotent-Replayed: true) for 24 hours; the same key with another body is refused with 422.',
      request: { headers: CreateHeaders, body: { ...json(CreateTaskSchema), required: true } },
      responses: {
        201: { ...json(Task), description: 'The new task (or, for a repeated Idempotency-Key, the one it made)' },
        400: error,
        401: error,
        422: error,
      },
      ...secured,
    }),
    async (c) => {
      const input = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      const { replayed, ...task } = await tasks.create(
        c.var.user,
        input,
        key ? { key, requestHash: createHash('sha256').update(JSON.stringify(input)).digest('hex') } : undefined,
      );
      if (replayed) c.header('idempotent-replayed', 'true');
      return c.json(withEtag(c, task), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: 'One task',
      request: { params: IdParam },
      responses: { 200: { ...json(Task), headers: tagged, description: 'The task' }, 401: error, 404: error },
      ...secured,
    }),
    async (c) => c.json(withEtag(c, await tasks.get(c.var.user.id, c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      summary: 'Change some fields of a task',
      description: 'Send If-Match with the ETag you last saw, so a change made meanwhile is not overwritten (412).',
      request: { params: IdParam, headers: IfMatchHeaders, body: { ...json(UpdateTaskSchema), required: true } },
      responses: {
        200: { ...json(Task), headers: tagged, description: 'The changed task' },
        400: error,
        401: error,
        404: error,
        412: changed,
      },
      ...secured,
    }),
    async (c) => {
      const expected = expectedVersion(c.req.valid('header')['if-match']);
      return c.json(
        withEtag(c, await tasks.update(c.var.user.id, c.req.valid('param').id, c.req.valid('json'), expected)),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      summary: 'Delete a task (its reminder is cancelled); deleting it again within a day answers 204 again',
      request: { params: IdParam, headers: IfMatchHeaders },
      responses: { 204: { description: 'Deleted' }, 400: error, 401: error, 404: error, 412: changed },
      ...secured,
    }),
    async (c) => {
      const expected = expectedVersion(c.req.valid('header')['if-match']);
      await tasks.remove(c.var.user.id, c.req.valid('param').id, expected);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/complete',
      summary: 'Mark a task done (a recurring task then gets its next occurrence)',
      request: { params: IdParam, headers: IfMatchHeaders },
      responses: {
        200: { ...json(Task), headers: tagged, description: 'The completed task' },
        400: error,
        401: error,
        404: error,
        412: changed,
      },
      ...secured,
    }),
    async (c) => {
      const expected = expectedVersion(c.req.valid('header')['if-match']);
      return c.json(withEtag(c, await tasks.complete(c.var.user.id, c.req.valid('param').id, expected)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/reopen',
      summary: 'Mark a completed task open again',
      request: { params: IdParam, headers: IfMatchHeaders },
      responses: {
        200: { ...json(Task), headers: tagged, description: 'The reopened task' },
        400: error,
        401: error,
        404: error,
        412: changed,
      },
      ...secured,
    }),
    async (c) => {
      const expected = expectedVersion(c.req.valid('header')['if-match']);
      return c.json(withEtag(c, await tasks.reopen(c.var.user.id, c.req.valid('param').id, expected)), 200);
    },
  );
  return app;
}
