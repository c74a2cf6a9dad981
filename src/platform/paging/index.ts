/** Paging shared by every list: keyset cursors inside, each surface's documented form outside. */
export { cursorPageInput, decodeCursor, encodeCursor, ZCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type CursorPosition } from "./cursor.ts";
export { hostingPagination, numberedPageInput, ZHostingPagination, ZNumberedPage, type NumberedPage, type THostingPagination } from "./numbered.ts";
export { pageByCursor, pageByNumber, type CursorPage, type ListQuery } from "./query.ts";
export { cursorListBody, renderHostingList, ZCursorList } from "./render.ts";
