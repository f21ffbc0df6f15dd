// Statements Postgres parses once per connection: a hot statement marked here is sent with a name, so each connection
// sends its text (Parse) the first time only and afterwards just its values (Bind); Postgres keeps its plans per its
// plan_cache_mode. Other queries go as before, unnamed. Works on a direct connection and through PgBouncer 1.21+ with
// max_prepared_statements set (Neon's pooler); the statements must keep their result columns across a migration
// (name them, never `select *`).
import pg from 'pg';

const names = new Map<string, string>();

/** Marks `sql` as a statement every connection prepares on first use and then executes by name. */
export function prepareStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `todo_${names.size + 1}`);
}

/** A pg client running the marked statements by name and every other query as it was given (the pool's `Client`). */
export class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; this passes each through unchanged
  override query(...args: any[]): any {
    const [text, values, ...rest] = args;
    const name = typeof text === 'string' && Array.isArray(values) ? names.get(text) : undefined;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const query = super.query.bind(this) as (...a: any[]) => any;
    if (!name) return query(...args);
    const [callback] = rest;
    if (typeof callback === 'function') {
      return query({ name, text, values }, (error: unknown, result: unknown) => {
        if (error) this.forgetIfGone(name, error);
        callback(error, result);
      });
    }
    return (query({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
      this.forgetIfGone(name, error);
      throw error;
    });
  }

  /**
   * pg remembers a statement as parsed on this connection for good. After a value that could not be sent (pg closes
   * the statement itself) or Postgres saying it does not exist (26000: a DEALLOCATE, a pooler's reset), that memory
   * is wrong and every later run would fail: forget it, so the next run parses again.
   */
  private forgetIfGone(name: string, error: unknown): void {
    const fromServer = error instanceof pg.DatabaseError;
    if (fromServer && (error as pg.DatabaseError).code !== '26000') return;
    const connection = (this as unknown as { connection: { parsedStatements: Record<string, string> } }).connection;
    delete connection.parsedStatements[name];
  }
}
