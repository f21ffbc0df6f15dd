// The browser's auth routes: sign-up, sign-in, sign-out, and who am I (whole paths: the app mounts it at the root).
import { createRoute, z } from '@hono/zod-openapi';
import {
  type AccountChangeRequest,
  CLIENT_ADDRESS_HEADER,
  CURRENT_USER_PATH,
  CurrentUserSchema,
  type FieldsOf,
  SIGN_IN_PATH,
  SIGN_OUT_PATH,
  SIGN_UP_PATH,
  SignedInSchema,
  type SignInRequest,
  type SignUpRequest,
  singleLineText,
} from '@todo/contracts';
import type { Context } from 'hono';
import type { BackendEnv } from '../http/env';
import { timeZone } from '../http/fields';
import { openApiApp } from '../http/openapi';
import { clientAddress } from './client-address';
import { newPassword } from './password-policy';
import type { AuthService } from './sessions';
import { TooManyAttempts } from './throttle';

// sign-in takes any password an account may have (older ones were allowed 8 characters); the policy is sign-up's
const Credentials = z.object({
  email: z.email().max(254),
  password: z.string().min(1, 'enter the password').max(200),
} satisfies FieldsOf<SignInRequest>);
const SignUp = z.object({
  email: z.email().max(254),
  password: newPassword,
  display_name: singleLineText({ trim: true }).max(80).optional(),
  timezone: timeZone.optional(),
} satisfies FieldsOf<SignUpRequest>);
const AccountChange = z
  .object({ timezone: timeZone } satisfies FieldsOf<AccountChangeRequest>)
  .strict()
  .openapi('AccountChange');
// the contracts' schemas, made anew from their shapes: one made before @hono/zod-openapi extends zod has no .openapi
const User = z.object(CurrentUserSchema.shape).openapi('User');
const Session = z.object({ ...SignedInSchema.shape, user: User }).openapi('Session');
const error = { description: 'Error: { error: { code, message, details? } }' };
const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const throttled = {
  description: 'Too many attempts: { error: { code: TOO_MANY_ATTEMPTS, message } }, with Retry-After (seconds)',
};

/** Runs `action`; a throttled one leaves its Retry-After on the 429 the error handler writes. */
async function withRetryAfter<T>(c: Context, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof TooManyAttempts) c.header('retry-after', String(error.retryAfterSeconds));
    throw error;
  }
}

export function authRoutes(auth: AuthService, requireUser: import('hono').MiddlewareHandler<BackendEnv>) {
  const app = openApiApp<BackendEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: SIGN_UP_PATH,
      summary: 'Create an account and sign in',
      request: { body: { ...json(SignUp), required: true } },
      responses: { 201: { ...json(Session), description: 'Signed up' }, 400: error, 409: error, 429: throttled },
    }),
    async (c) =>
      c.json(
        await withRetryAfter(c, () =>
          auth.signUp(c.req.valid('json'), clientAddress(c.req.header(CLIENT_ADDRESS_HEADER))),
        ),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: SIGN_IN_PATH,
      summary: 'Sign in with email and password',
      request: { body: { ...json(Credentials), required: true } },
      responses: { 200: { ...json(Session), description: 'Signed in' }, 400: error, 401: error, 429: throttled },
    }),
    async (c) =>
      c.json(
        await withRetryAfter(c, () =>
          auth.signIn(c.req.valid('json'), clientAddress(c.req.header(CLIENT_ADDRESS_HEADER))),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: SIGN_OUT_PATH,
      summary: 'End this sign-in; its token stops working and its open event streams close',
      middleware: [requireUser] as const,
      security: [{ bearer: [] }],
      responses: { 204: { description: 'Signed out' }, 401: error },
    }),
    async (c) => {
      await auth.signOut(c.var.user);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: CURRENT_USER_PATH,
      summary: 'The signed-in user',
      middleware: [requireUser] as const,
      security: [{ bearer: [] }],
      responses: { 200: { ...json(User), description: 'The user' }, 401: error },
    }),
    (c) => {
      const u = c.var.user;
      return c.json({ id: u.id, email: u.email, display_name: u.displayName, timezone: u.timezone }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: CURRENT_USER_PATH,
      summary: "Change the signed-in user's time zone",
      middleware: [requireUser] as const,
      security: [{ bearer: [] }],
      request: { body: { ...json(AccountChange), required: true } },
      responses: { 200: { ...json(User), description: 'The user' }, 400: error, 401: error },
    }),
    async (c) => {
      const u = c.var.user;
      const { timezone } = c.req.valid('json');
      await auth.setTimezone(u.id, timezone);
      return c.json({ id: u.id, email: u.email, display_name: u.displayName, timezone }, 200);
    },
  );
  return app;
}
