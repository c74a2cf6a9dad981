import { sql, type SQL } from "drizzle-orm";

/**
 * Times are computed by the database (`now()`), never by this process, so workers on machines
 * whose clocks disagree still agree on when a lease ends or a retry is due.
 */
export const dbNow: SQL<Date> = sql<Date>`now()`;

export function dbNowPlusMs(ms: number): SQL<Date> {
  return sql<Date>`now() + (${ms}::double precision * interval '1 millisecond')`;
}

/**
 * A JSON value for a jsonb column; unlike the column type this also writes JSON `null` (for
 * `undefined` too). Throws like JSON.stringify on bigint or cycles.
 */
export function jsonb(value: unknown): SQL {
  const text: string | undefined = JSON.stringify(value ?? null);
  return sql`${text ?? "null"}::text::jsonb`;
}
