import type { DbOrTx } from "./connection.ts";

/**
 * A hot query built once per database handle (drizzle's `.prepare()` with `sql.placeholder`):
 * the SQL text, its parameter slots and its result mapping are made on first use, not on every
 * call (drizzle's query building was most of a read's CPU on the request path). A transaction is a
 * handle of its own: its copy is built on first use inside it and goes with it (WeakMap).
 */
export function preparedPerHandle<Query>(build: (db: DbOrTx) => Query): (db: DbOrTx) => Query {
  const byHandle = new WeakMap<DbOrTx, Query>();
  return (db) => {
    let query = byHandle.get(db);
    if (query === undefined) {
      query = build(db);
      byHandle.set(db, query);
    }
    return query;
  };
}
