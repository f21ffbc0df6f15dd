export * from './events';
export * from './jobs';
export * from './names';
export * from './ports';
export * from './routes';
export * from './task';
export * from './validation';
