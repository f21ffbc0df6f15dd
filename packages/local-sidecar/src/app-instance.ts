// One running app beside its (stand-in) sidecar: where to reach it and what token to send.

export interface AppInstance {
  appId: string;
  /** The app's own port; undefined for an app that only calls Dapr. */
  appPort?: number;
  channelAddress: string;
  daprHttpPort: number;
}

export const instanceKey = (i: AppInstance) => `${i.appId}@${i.daprHttpPort}`;

export const appUrl = (i: AppInstance, path: string) =>
  `http://${i.channelAddress}:${i.appPort}${path.startsWith('/') ? path : `/${path}`}`;

/** Headers daprd adds to every call it makes to its app. */
export const appHeaders = (appToken: string | undefined): Record<string, string> =>
  appToken ? { 'dapr-api-token': appToken } : {};

/** True when the error means nothing listens at the app's port (the app is down, not failing). */
export const isConnectionRefused = (error: unknown): boolean => {
  // fetch wraps the socket's error as its cause; undici's request throws it as it is
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET';
};
