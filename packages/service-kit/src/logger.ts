// JSON logs: one line per event, app id on each, secrets and tokens never written.
import pino, { type Logger } from 'pino';
import { currentTraceId } from './trace';

/** Paths pino replaces with [Redacted] wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'headers["dapr-api-token"]',
  '*.headers.authorization',
  '*.headers["dapr-api-token"]',
  'DATABASE_URL',
  '*.DATABASE_URL',
  'OPENAI_API_KEY',
  '*.OPENAI_API_KEY',
  'AUTH_SECRET',
  '*.AUTH_SECRET',
  'connectionString',
  '*.connectionString',
];

export function createLogger(
  app: string,
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app },
      redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // the W3C trace id of the request or message in hand, so one request can be followed across the apps
      mixin: () => {
        const traceId = currentTraceId();
        return traceId ? { trace_id: traceId } : {};
      },
    },
    options.destination,
  );
}
