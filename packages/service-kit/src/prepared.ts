// Statements Postgres parses and plans once per connection: a hot statement marked here is sent with a name, so each
// connection sends its text (Parse) the first time only and afterwards just its values (Bind). Other queries go as
// before, unnamed. Works on a direct connection and through PgBouncer 1.21+ with max_prepared_statements set (Neon's
// pooler); the statements must keep their result columns across a migration (name them, never `select *`).
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
    return name ? query({ name, text, values }, ...rest) : query(...args);
  }
}
