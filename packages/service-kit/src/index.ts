export * from './errors';
export * from './health';
export * from './logger';
export * from './serve';
