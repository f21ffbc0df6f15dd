// notification-service's migrations, in order.
import type { Migration } from 'kysely';
import * as init from './migrations/0001_init';

export const NOTIFICATION_MIGRATIONS: Record<string, Migration> = {
  '0001_init': init,
};
