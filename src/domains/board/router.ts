import { getBoardStats } from "./procedures/get-board-stats.ts";
import { listBoard } from "./procedures/list-board.ts";

/** `/api/board*` (market): the public feed of open jobs and the market's figures. */
export const boardProcedures = { list: listBoard, stats: getBoardStats };
