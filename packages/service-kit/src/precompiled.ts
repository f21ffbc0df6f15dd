// Statements on the hot path, compiled once per shape. Kysely builds and compiles the query the first time with a
// marker in place of each value; later runs put their values where the markers landed among the parameters, so a
// request pays neither the query tree nor the SQL text again (together about a tenth of a create's CPU), and Postgres
// parses it once per connection (prepared.ts).
import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';
import { prepareStatement } from './prepared';

/** What a statement takes: named rows (plain objects), lists of rows, or single values. */
type Args = Record<string, unknown>;

class Marker {
  constructor(readonly index: number) {}
}

const isRow = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * The shape of `args` (which parts are rows, with which columns, and how many rows each list has) and their values in
 * a fixed order. With `mark`, also a copy of `args` with a marker in place of each value.
 */
function walk(args: Args, mark: boolean) {
  const values: unknown[] = [];
  const shape: string[] = [];
  let kinds = '';
  const put = (value: unknown) => {
    values.push(value);
    kinds += kindOf(value);
    return mark ? new Marker(values.length - 1) : undefined;
  };
  const row = (r: Record<string, unknown>) => {
    const columns = Object.keys(r);
    shape.push(columns.join(','));
    const marked: Record<string, unknown> = {};
    for (const column of columns) marked[column] = put(r[column]);
    return marked;
  };
  const copy: Args = {};
  for (const name of Object.keys(args)) {
    const part = args[name];
    if (isRow(part)) {
      shape.push(`${name}{`);
      copy[name] = row(part);
    } else if (Array.isArray(part) && part.length > 0 && part.every(isRow)) {
      shape.push(`${name}[${part.length}`);
      copy[name] = part.map(row);
    } else {
      shape.push(`${name}=`);
      copy[name] = put(part);
    }
  }
  return { key: `${shape.join(';')}|${kinds}`, values, copy };
}

/**
 * What kysely may treat differently (undefined leaves a column out, null and booleans are inlined after `is`, an array
 * becomes a list after `in`, an expression is SQL): part of the shape, so each kind gets its own compiled statement.
 */
function kindOf(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'boolean') return 'b';
  if (Array.isArray(value)) return 'a';
  if (value instanceof Date) return 'd';
  if (typeof value === 'object' || typeof value === 'function') return 'x';
  return 's';
}

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  /** For each parameter: the index of the value that goes there, or the builder's own constant. */
  slots: ({ value: number } | { constant: unknown })[];
}

/**
 * A statement built by `build` from `args`, compiled on its first run with each shape of args and then only filled.
 * `build` must place the values it is given into the query and nothing else: it may read which rows and columns
 * there are, never branch on or compute from a value. The first compile of each shape refuses a value it does not
 * place, and values that would make kysely write other SQL than the markers do.
 */
export function precompiled<DB, A extends object, R>(build: (db: Kysely<DB>, args: A) => Compilable<R>) {
  const templates = new Map<string, Template>();

  function compile(db: Kysely<DB>, args: A): Template {
    const { copy, values } = walk(args as Args, true);
    const compiled = build(db, copy as A).compile();
    const slots = compiled.parameters.map((p) => (p instanceof Marker ? { value: p.index } : { constant: p }));
    const placed = new Set(slots.flatMap((s) => ('value' in s ? [s.value] : [])));
    const unplaced = values.findIndex((_, index) => !placed.has(index));
    if (unplaced >= 0) throw new Error(`precompiled statement does not place value ${unplaced} as a parameter`);
    // the values themselves must give the same SQL: a kind kysely writes into the text is refused, not mis-sent
    if (build(db, args).compile().sql !== compiled.sql) {
      throw new Error(
        'precompiled statement: its values change the SQL kysely builds (undefined, null or a boolean after `is`, an array after `in`, an expression); place plain values only',
      );
    }
    prepareStatement(compiled.sql);
    return { sql: compiled.sql, query: compiled.query, slots };
  }

  return async function run(db: Kysely<DB>, args: A): Promise<QueryResult<R>> {
    const { key, values } = walk(args as Args, false);
    let template = templates.get(key);
    if (!template) {
      template = compile(db, args);
      templates.set(key, template);
    }
    const parameters = template.slots.map((s) => ('value' in s ? values[s.value] : s.constant));
    const query: CompiledQuery<R> = { sql: template.sql, query: template.query, queryId: createQueryId(), parameters };
    return db.executeQuery(query);
  };
}
