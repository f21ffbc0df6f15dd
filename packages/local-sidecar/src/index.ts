export type { AppInstance } from './app-instance';
export { type Configuration, readConfiguration } from './config/configuration';
export {
  addResource,
  type ComponentResource,
  type ResiliencyResource,
  type Resources,
  readResources,
} from './config/resources';
export { parseReplicas, type RunApp, type RunFile, readRunFile } from './config/run-file';
export { Runtime, type RuntimeOptions } from './runtime';
export { standInFromRunFile } from './standin';
