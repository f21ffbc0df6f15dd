// Chat turns by the client's message id, written in the transaction of the tools' effects: a retried turn answers
// what the first one did instead of doing it again.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table chat_turns (
      user_id uuid not null references users (id) on delete cascade,
      key text not null,
      request_hash text not null,
      conversation_id uuid not null,
      result jsonb not null,
      conversation_saved boolean not null default false,
      created_at timestamptz not null default now(),
      primary key (user_id, key)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table chat_turns;`.execute(db);
}
