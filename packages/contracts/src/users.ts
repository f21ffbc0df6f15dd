// The signed-in user as the backend answers it (the browser reads it, notification-service asks for it: status only),
// and what the browser sends to sign up, sign in and change the account.
import { z } from 'zod';

/** What GET and PATCH CURRENT_USER_PATH answer. */
export const CurrentUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  display_name: z.string().nullable(),
  timezone: z.string(),
});
export type CurrentUser = z.infer<typeof CurrentUserSchema>;

/** What signing up or in answers: the bearer token of the new sign-in, and whose it is. */
export const SignedInSchema = z.object({ token: z.string(), user: CurrentUserSchema });
export type SignedIn = z.infer<typeof SignedInSchema>;

/** POST SIGN_IN_PATH. The backend's validator checks these fields; the password may be one set under older rules. */
export interface SignInRequest {
  email: string;
  password: string;
}

/** POST SIGN_UP_PATH: a new account. The backend holds the password policy; the zone defaults to UTC. */
export interface SignUpRequest extends SignInRequest {
  display_name?: string;
  /** An IANA time zone such as Europe/Berlin. */
  timezone?: string;
}

/** PATCH CURRENT_USER_PATH: the account's new time zone (IANA). */
export interface AccountChangeRequest {
  timezone: string;
}
