// One chat turn is one transaction: the tools' writes and the record of what the turn answered commit together,
// under the client's message id, so a retry answers what the first attempt did instead of doing it again, and a
// turn that fails half-way leaves the tasks as they were.
import { ApiError } from '@todo/service-kit';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { Owner, TaskService } from '../tasks/service';
import type { AgentMemory, ToolCallRecord } from './agent';
import type { StoredMessage } from './conversations';
import type { ToolContext } from './tools';

/** How long a message id answers with the turn it made. */
const KEY_TTL = '24 hours';

/** What a turn answered, and what it adds to the conversation (saved after the commit, again on a retry if need be). */
export interface TurnRecord {
  conversation_id: string;
  reply: string;
  tool_calls: ToolCallRecord[];
  agent: 'offline' | 'openai';
  messages: StoredMessage[];
  memory: AgentMemory;
  /** The turn started the conversation. */
  create: boolean;
}

export interface TurnKey {
  key: string;
  /** A hash of what was asked: the same key with another message is refused. */
  requestHash: string;
}

export interface OpenTurn {
  context: ToolContext;
}

export interface TurnOutcome {
  record: TurnRecord;
  replayed: boolean;
  /** The conversation already holds this turn. */
  saved: boolean;
}

export class ChatTurns {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tasks: TaskService,
    private readonly afterCommit: () => void = () => {},
  ) {}

  /**
   * Runs `work` once per key: its tool calls share this transaction with the turn's record. A retry (same key, same
   * request) gets the record back; a concurrent one waits for the first to commit (then replays) or roll back.
   */
  async run(owner: Owner, key: TurnKey, work: (turn: OpenTurn) => Promise<TurnRecord>): Promise<TurnOutcome> {
    const outcome = await this.db.transaction().execute(async (trx): Promise<TurnOutcome> => {
      const earlier = await this.claim(trx, owner.id, key);
      if (earlier) return { ...earlier, replayed: true };
      const calls = oneAtATime(trx);
      const context: ToolContext = { user: owner, db: trx, tasks: this.tasks.within(trx), atomically: calls.run };
      const record = await work({ context });
      await calls.settled();
      await trx
        .updateTable('chat_turns')
        .set({ conversation_id: record.conversation_id, result: JSON.stringify(record) })
        .where('user_id', '=', owner.id)
        .where('key', '=', key.key)
        .execute();
      return { record, replayed: false, saved: false };
    });
    if (!outcome.replayed) this.afterCommit();
    return outcome;
  }

  async markSaved(userId: string, key: string): Promise<void> {
    await this.db
      .updateTable('chat_turns')
      .set({ conversation_saved: true })
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .execute();
  }

  /** Turns of this conversation whose save to the state store failed, oldest first, with their keys. */
  async unsaved(userId: string, conversationId: string): Promise<{ key: string; record: TurnRecord }[]> {
    const rows = await this.db
      .selectFrom('chat_turns')
      .select(['key', 'result'])
      .where('user_id', '=', userId)
      .where('conversation_id', '=', conversationId)
      .where('conversation_saved', '=', false)
      .where('created_at', '>=', sql<Date>`now() - ${KEY_TTL}::interval`)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ key: r.key, record: r.result as TurnRecord }));
  }

  private async claim(
    trx: Transaction<Database>,
    userId: string,
    key: TurnKey,
  ): Promise<{ record: TurnRecord; saved: boolean } | undefined> {
    await trx
      .deleteFrom('chat_turns')
      .where('user_id', '=', userId)
      .where('created_at', '<', sql<Date>`now() - ${KEY_TTL}::interval`)
      .execute();
    const claimed = await trx
      .insertInto('chat_turns')
      .values({
        user_id: userId,
        key: key.key,
        request_hash: key.requestHash,
        // placeholders until the turn's end, in this same transaction: nobody else ever sees them
        conversation_id: '00000000-0000-0000-0000-000000000000',
        result: 'null',
      })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) return undefined;
    const earlier = await trx
      .selectFrom('chat_turns')
      .select(['request_hash', 'result', 'conversation_saved'])
      .where('user_id', '=', userId)
      .where('key', '=', key.key)
      .executeTakeFirstOrThrow();
    if (earlier.request_hash !== key.requestHash || !earlier.result) {
      throw new ApiError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'this message id was already used for a different message; use a new id for a new message',
      );
    }
    return { record: earlier.result as TurnRecord, saved: earlier.conversation_saved };
  }
}

/**
 * Tool calls of one turn run one at a time (a model may ask for several at once; they share one connection), each
 * under a savepoint, so a tool that fails half-way leaves the turn's other work and its transaction intact.
 */
function oneAtATime(trx: Transaction<Database>) {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(work: () => Promise<T>): Promise<T> {
      const next = tail.then(async () => {
        await sql`savepoint tool_call`.execute(trx);
        try {
          const result = await work();
          await sql`release savepoint tool_call`.execute(trx);
          return result;
        } catch (error) {
          await sql`rollback to savepoint tool_call`.execute(trx);
          throw error;
        }
      });
      tail = next.catch(() => undefined);
      return next;
    },
    settled: () => tail,
  };
}
