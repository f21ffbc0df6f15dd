// What a request handler of the backend can reach.
import type { CurrentUser } from '../auth/sessions';

export interface BackendEnv {
  Variables: { user: CurrentUser };
}
