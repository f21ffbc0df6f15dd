// How a sign-in's end and a browser's address travel between the apps.

/** `op` of the task-updates message the backend publishes when a sign-in ends (sign-out). */
export const SESSION_ENDED_OP = 'session-ended';

/**
 * The browser's address, as the frontend saw it. The frontend sets it on every request it forwards, replacing any
 * value the browser sent (its forwarding passes the browser's headers on); the backend throttles sign-ins by it.
 */
export const CLIENT_ADDRESS_HEADER = 'x-todo-client-address';
