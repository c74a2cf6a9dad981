import { z } from "zod";

/**
 * Where a keyset page ends: the last row's creation time (microseconds, as PostgreSQL keeps it)
 * and its id, the tie-breaker. A cursor is this position, base64url-encoded.
 *
 * The cursor is validated, not signed: it names a position in an ordering, never what the caller
 * may see (every list query still filters by its owner), so an edited cursor can only move the
 * caller's own window. What it must never do is reach the database malformed and come back as a
 * 500, hence the strict checks below.
 */
export interface CursorPosition {
  /** `2026-12-02T07:36:22.123456Z`: UTC with six fractional digits. */
  createdAt: string;
  id: string | number;
}

const VERSION = 1;
/** Far above any real cursor (~80 characters); a longer one is refused before it is decoded. */
export const MAX_CURSOR_LENGTH = 512;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;
const ID_TEXT = /^[\w.:-]{1,255}$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([VERSION, position.createdAt, position.id])).toString("base64url");
}

/** The position a cursor names, or undefined when it is not one this server made. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[\w-]+$/.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 3 || value[0] !== VERSION) return undefined;
  const [, createdAt, id] = value as [unknown, unknown, unknown];
  if (typeof createdAt !== "string" || !isTimestamp(createdAt)) return undefined;
  if (typeof id === "string" ? !ID_TEXT.test(id) : !Number.isSafeInteger(id)) return undefined;
  return { createdAt, id: id as string | number };
}

/** A real instant, not just the right digits: 2026-02-30 is refused here, not by the database. */
function isTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const millis = Date.parse(`${text.slice(0, 23)}Z`);
  return Number.isFinite(millis) && new Date(millis).toISOString().slice(0, 19) === text.slice(0, 19);
}

/** A cursor query parameter: decoded during input validation, so a bad one is the surface's 400/422. */
export const ZCursor = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .transform((cursor, ctx) => {
    const position = decodeCursor(cursor);
    if (!position) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this API returned" });
      return z.NEVER;
    }
    return position;
  });

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/**
 * The query fields of a cursor-paged list on the mobile, market, workspaces and compute surfaces
 * (none of their documents shows paging, so this is the platform's choice, written in the
 * OpenAPI document through these schemas): `?limit=1..100` (default 25) and `?cursor=` from the
 * previous page's `next_cursor`.
 */
export const cursorPageInput = {
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: ZCursor.optional(),
};
