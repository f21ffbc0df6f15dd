// The signed-in user as the backend answers it: the browser reads it, notification-service asks for it (status only).
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
