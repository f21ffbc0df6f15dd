export * from './database';
export * from './errors';
export * from './health';
export * from './logger';
export * from './secrets';
export * from './serve';
