// Where the apps and their metrics listen.

/** `APP_HOST` (the cluster sets 0.0.0.0: probes and scrapes come from outside the pod), else loopback only. */
export function listenHost(): string {
  return process.env.APP_HOST || '127.0.0.1';
}
