// The names that the apps, the stand-in sidecar, dapr.yaml and the Pulumi program must agree on.

export const APP_IDS = {
  frontend: 'frontend',
  backend: 'backend',
  notificationService: 'notification-service',
  recurringTaskService: 'recurring-task-service',
} as const;
export type AppId = (typeof APP_IDS)[keyof typeof APP_IDS];
export const ALL_APP_IDS: readonly AppId[] = Object.values(APP_IDS);

export const COMPONENTS = {
  pubsub: 'kafka-pubsub',
  stateStore: 'statestore',
  secretStore: 'kubernetes-secrets',
} as const;

export const TOPICS = {
  taskEvents: 'task-events',
  reminders: 'reminders',
  taskUpdates: 'task-updates',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Where a message goes when its consumer drops it or retries run out. */
export const deadLetterTopic = (topic: Topic): string => `${topic}-deadletter`;

export const NAMESPACE = 'todo-chatbot';

export const SECRET = {
  name: 'todo-chatbot-secrets',
  keys: {
    databaseUrl: 'DATABASE_URL',
    openaiApiKey: 'OPENAI_API_KEY',
    authSecret: 'AUTH_SECRET',
  },
} as const;
export type SecretKey = (typeof SECRET.keys)[keyof typeof SECRET.keys];

/** Kubernetes Secret holding the token daprd sends to the apps (`dapr.io/app-token-secret`). */
export const APP_TOKEN_SECRET = { name: 'app-api-token', key: 'token' } as const;

/** Kubernetes Secret holding the token the apps send to daprd (`dapr.io/api-token-secret`). */
export const DAPR_API_TOKEN_SECRET = { name: 'dapr-api-token', key: 'token' } as const;

/** App ids of one-off jobs that run beside a sidecar (the backend's migrations, before it rolls out). */
export const JOB_APP_IDS = { backendMigrate: 'backend-migrate' } as const;

/** State table the `statestore` component writes (state.postgresql v1). */
export const STATE_TABLE = 'dapr_state';

/** Dapr Configuration resource applied to every app (`dapr.io/config`). */
export const DAPR_CONFIG_NAME = 'todo-chatbot-config';

/** Each app's own Dapr Configuration (`dapr.io/config`): its access control names exactly who may call it. */
export const daprConfigName = (appId: string): string => `${DAPR_CONFIG_NAME}-${appId}`;

/** Resiliency resource name. */
export const RESILIENCY_NAME = 'todo-chatbot-resiliency';

/** `iss` of the bearer tokens the backend signs and every app checks. */
export const TOKEN_ISSUER = 'todo-chatbot';
