import { sql, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/connection.ts";

/** Rows of a raw statement: Bun SQL hands back an array, PGlite `{ rows }`. */
export async function queryRows<T>(db: DbOrTx, statement: SQL): Promise<T[]> {
  const result: unknown = await db.execute(statement);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: unknown[] }).rows ?? []) as T[];
}

/**
 * Runs `work` so that a failing statement undoes only itself: on a caller's transaction inside a
 * savepoint (PostgreSQL would otherwise mark the whole transaction aborted), on a bare handle as is
 * (each ledger write is one statement, atomic by itself).
 */
export function isolated<T>(db: DbOrTx, work: (db: DbOrTx) => Promise<T>): Promise<T> {
  if (db instanceof PgTransaction) return db.transaction((savepoint) => work(savepoint));
  return work(db);
}

/** The SQLSTATE and constraint of a database error, whichever driver raised it (drizzle wraps it in `cause`). */
export function databaseError(error: unknown): { sqlState: string; constraint: string | undefined } | undefined {
  for (let current: unknown = error, depth = 0; current && typeof current === "object" && depth < 4; depth++) {
    const fields = current as { code?: unknown; errno?: unknown; constraint?: unknown; cause?: unknown };
    const state = [fields.errno, fields.code].find((value) => typeof value === "string" && /^[0-9A-Z]{5}$/.test(value));
    if (typeof state === "string") return { sqlState: state, constraint: typeof fields.constraint === "string" ? fields.constraint : undefined };
    current = fields.cause;
  }
  return undefined;
}

/** `2026-12-02T07:36:22.123456Z` (microseconds, as PostgreSQL keeps them) of a timestamptz column. */
export function utcMicros(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function dateOfMicros(text: string): Date {
  return new Date(`${text.slice(0, 23)}Z`);
}
