import { z } from "zod";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./cursor.ts";

/** The hosting document's `pagination` object, verbatim. */
export const ZHostingPagination = z.object({
  current_page: z.number().int(),
  total_pages: z.number().int(),
  total_count: z.number().int(),
  per_page: z.number().int(),
});
export type THostingPagination = z.infer<typeof ZHostingPagination>;

/** Beyond this the offset scan costs more than any caller needs; a deeper page is a 422. */
export const MAX_PAGE_NUMBER = 100_000;

/** Hosting's list query: `?page=1..` (default 1) and `?per_page=1..100` (default 25). */
export const numberedPageInput = {
  page: z.number().int().min(1).max(MAX_PAGE_NUMBER).default(1),
  per_page: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
};

/** What a hosting list procedure returns; REST renders it `{ data: items, pagination }`. */
export interface NumberedPage<T> {
  items: T[];
  pagination: THostingPagination;
}

export function ZNumberedPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), pagination: ZHostingPagination });
}

/** An empty list is page 1 of 0 (`total_pages: 0`); a page past the end is empty, not an error. */
export function hostingPagination(page: number, perPage: number, totalCount: number): THostingPagination {
  return { current_page: page, total_pages: Math.ceil(totalCount / perPage), total_count: totalCount, per_page: perPage };
}
