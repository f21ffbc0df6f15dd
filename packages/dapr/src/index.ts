export * from './app-token';
export * from './client';
export * from './config';
export * from './errors';
export type { InvokeOptions } from './invoke';
export type { FailurePolicy, Job, JobSpec } from './jobs';
export type { BulkPublishEntry, BulkPublishFailures, CloudEventEnvelope, PublishOptions } from './pubsub';
export type { SaveItem, StateItem, TransactionOperation } from './state';
export * from './subscriber';
