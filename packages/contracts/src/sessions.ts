// How a sign-in's end and a browser's address travel between the apps. No imports: the browser bundle uses it too.

/** `op` of the task-updates message the backend publishes when a sign-in ends (sign-out). */
export const SESSION_ENDED_OP = 'session-ended';

/** The last server-sent event of a stream whose sign-in ended, just before notification-service closes it. */
export const SESSION_ENDED_STREAM_EVENT = 'session-ended';

/**
 * The browser's address, as the frontend saw it. The frontend sets it on every request it forwards, replacing any
 * value the browser sent (its forwarding passes the browser's headers on); the backend throttles sign-ins by it.
 */
export const CLIENT_ADDRESS_HEADER = 'x-todo-client-address';
