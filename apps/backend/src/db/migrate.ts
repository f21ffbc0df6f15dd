// The backend's migrations, in order.
import type { Migration } from 'kysely';
import * as init from './migrations/0001_init';
import * as createKeys from './migrations/0002_create_keys';
import * as outboxTrace from './migrations/0003_outbox_trace';
import * as authThrottle from './migrations/0004_auth_throttle';
import * as chatTurns from './migrations/0005_chat_turns';
import * as taskTrigramSearch from './migrations/0008_task_trigram_search';
import * as outboxRelayLease from './migrations/0009_outbox_relay_lease';
import * as taskListIndexes from './migrations/0010_task_list_indexes';
import * as perUserIndexes from './migrations/0011_per_user_indexes';
import * as searchPendingList from './migrations/0012_search_pending_list';
import * as deletedTasks from './migrations/0013_deleted_tasks';
import * as taskWords from './migrations/0014_task_words';
import * as typoEdits from './migrations/0015_typo_edits';

export const BACKEND_MIGRATIONS: Record<string, Migration> = {
  '0001_init': init,
  '0002_create_keys': createKeys,
  '0003_outbox_trace': outboxTrace,
  '0004_auth_throttle': authThrottle,
  '0005_chat_turns': chatTurns,
  '0008_task_trigram_search': taskTrigramSearch,
  '0009_outbox_relay_lease': outboxRelayLease,
  '0010_task_list_indexes': taskListIndexes,
  '0011_per_user_indexes': perUserIndexes,
  '0012_search_pending_list': searchPendingList,
  '0013_deleted_tasks': deletedTasks,
  '0014_task_words': taskWords,
  '0015_typo_edits': typoEdits,
};
