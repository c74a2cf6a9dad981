import type { DbOrTx } from "../../../db/connection.ts";
import type { TBoardStats } from "./board.types.ts";
import { computeBoardStats } from "./service.ts";

/** Stats are recomputed at most this often per process, however many pollers: GET /api/board/stats is cheap to poll. */
export const BOARD_STATS_TTL_MS = 5_000;

/** The board's per-process state: the cached stats, refreshed by one caller at a time. */
export interface BoardModule {
  stats(db: DbOrTx, currency: string): Promise<TBoardStats>;
}

export function createBoardModule(ttlMs = BOARD_STATS_TTL_MS): BoardModule {
  let cached: { at: number; value: TBoardStats } | null = null;
  let inFlight: Promise<TBoardStats> | null = null;
  return {
    stats(db, currency) {
      if (cached && Date.now() - cached.at < ttlMs) return Promise.resolve(cached.value);
      inFlight ??= computeBoardStats(db, currency)
        .then((value) => {
          cached = { at: Date.now(), value };
          return value;
        })
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
  };
}

declare module "../../platform/services.ts" {
  interface DomainModules {
    board: BoardModule;
  }
}
