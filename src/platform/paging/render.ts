import { z } from "zod";
import type { CursorPage } from "./query.ts";
import type { NumberedPage } from "./numbered.ts";

/**
 * How each surface prints a list.
 * - hosting (documented): `{ data: [...], pagination: { current_page, total_pages, total_count, per_page } }`;
 *   the procedure returns a NumberedPage and the REST adapter applies renderHostingList (`list: true`).
 * - mobile, market, workspaces, compute (their documents show no paging): the procedure itself
 *   returns `{ <things>: [...], next_cursor: string | null }` (cursorListBody), as those surfaces
 *   print procedure output as is; the caller passes `next_cursor` back as `?cursor=`.
 */
export function renderHostingList(page: NumberedPage<unknown>): { data: unknown[]; pagination: NumberedPage<unknown>["pagination"] } {
  return { data: page.items, pagination: page.pagination };
}

export function cursorListBody<K extends string, T>(key: K, page: CursorPage<T>): { [P in K]: T[] } & { next_cursor: string | null } {
  return { [key]: page.items, next_cursor: page.nextCursor } as { [P in K]: T[] } & { next_cursor: string | null };
}

/** The output schema of a cursor list: `ZCursorList("jobs", ZJob)`. */
export function ZCursorList<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({ [key]: z.array(item), next_cursor: z.string().nullable() } as { [P in K]: z.ZodArray<T> } & {
    next_cursor: z.ZodNullable<z.ZodString>;
  });
}
