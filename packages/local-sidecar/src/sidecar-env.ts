// What each request handler knows: which app's sidecar it is.
export interface SidecarEnv {
  Variables: { appId: string };
}
