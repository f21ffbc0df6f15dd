// The backend's migrations, in order.
import type { Migration } from 'kysely';
import * as init from './migrations/0001_init';
import * as createKeys from './migrations/0002_create_keys';

export const BACKEND_MIGRATIONS: Record<string, Migration> = {
  '0001_init': init,
  '0002_create_keys': createKeys,
};
