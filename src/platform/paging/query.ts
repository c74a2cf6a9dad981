import { and, asc, count, desc, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/connection.ts";
import { AppError } from "../errors.ts";
import { encodeCursor, type CursorPosition } from "./cursor.ts";
import { hostingPagination, type NumberedPage } from "./numbered.ts";

/**
 * One table listed in a stable order: creation time, then id to break ties (keyset paging on
 * `(created_at, id)`, which an index on those columns, after any equality filter, serves).
 */
export interface ListQuery<TTable extends PgTable> {
  table: TTable;
  createdAt: AnyPgColumn;
  id: AnyPgColumn;
  /** The owner filter and any others. */
  where?: SQL;
  /** Newest first unless said otherwise. */
  order?: "newest" | "oldest";
}

export interface CursorPage<T> {
  items: T[];
  /** The cursor of the page after this one; null on the last page. */
  nextCursor: string | null;
}

type Row<TTable extends PgTable> = TTable["$inferSelect"];

/**
 * The page of `limit` rows after `after` (or the first page). One query, `limit + 1` rows: the
 * extra row only says whether there is a next page. The position is read from PostgreSQL as
 * text with microseconds, because a JS Date would round it to milliseconds and a page boundary
 * inside one millisecond would repeat or skip rows.
 */
export async function pageByCursor<TTable extends PgTable>(
  db: DbOrTx,
  query: ListQuery<TTable>,
  page: { limit: number; after?: CursorPosition | undefined },
): Promise<CursorPage<Row<TTable>>> {
  const newest = query.order !== "oldest";
  const position = sql<string>`to_char(${query.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const conditions = [query.where];
  if (page.after) {
    const after = sql`(${page.after.createdAt}::timestamptz, ${idParameter(query.id, page.after.id)})`;
    const keys = sql`(${query.createdAt}, ${query.id})`;
    conditions.push(newest ? sql`${keys} < ${after}` : sql`${keys} > ${after}`);
  }
  const direction = newest ? desc : asc;
  const rows = (await db
    .select({ ...getTableColumns(query.table), __position: position })
    .from(query.table as PgTable)
    .where(and(...conditions))
    .orderBy(direction(query.createdAt), direction(query.id))
    .limit(page.limit + 1)) as Array<Record<string, unknown> & { __position: string }>;
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows).map(({ __position: _drop, ...row }) => row as Row<TTable>);
  const last = more ? rows[page.limit - 1] : undefined;
  const nextCursor = last ? encodeCursor({ createdAt: last.__position, id: lastId(query.id, last) }) : null;
  return { items, nextCursor };
}

/** Page `page` of `perPage` rows with the total count, as the hosting document numbers them. */
export async function pageByNumber<TTable extends PgTable>(
  db: DbOrTx,
  query: ListQuery<TTable>,
  page: { page: number; perPage: number },
): Promise<NumberedPage<Row<TTable>>> {
  const direction = query.order === "oldest" ? asc : desc;
  const [totals, rows] = await Promise.all([
    db.select({ total: count() }).from(query.table as PgTable).where(query.where),
    db
      .select()
      .from(query.table as PgTable)
      .where(query.where)
      .orderBy(direction(query.createdAt), direction(query.id))
      .limit(page.perPage)
      .offset((page.page - 1) * page.perPage),
  ]);
  const total = Number(totals[0]?.total ?? 0);
  return { items: rows as Row<TTable>[], pagination: hostingPagination(page.page, page.perPage, total) };
}

/**
 * The cursor's id as the id column's type, so a text id is never compared with a number (a
 * database error, which would be a 500): a cursor of the other kind is the caller's 400.
 */
function idParameter(column: AnyPgColumn, id: string | number): SQL {
  if (column.dataType === "number") {
    if (typeof id !== "number") throw badCursor();
    return sql`${id}::bigint`;
  }
  if (typeof id !== "string") throw badCursor();
  return sql`${id}::text`;
}

function lastId(column: AnyPgColumn, row: Record<string, unknown>): string | number {
  const value = row[columnKey(column, row)];
  return typeof value === "number" ? value : String(value);
}

/** The property name drizzle gave the id column in the selected row. */
function columnKey(column: AnyPgColumn, row: Record<string, unknown>): string {
  for (const [key, candidate] of Object.entries(getTableColumns(column.table))) {
    if (candidate === column && key in row) return key;
  }
  throw new Error(`column ${column.name} is not in the listed table`);
}

function badCursor(): AppError {
  return new AppError("VALIDATION", "Validation failed: cursor: is not a cursor this API returned", {
    cursor: "is not a cursor this API returned",
  });
}
