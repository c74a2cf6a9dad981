import type { DatabaseHandle } from "../db/connection.ts";

/** What bench:market hands each of its cases (ledger transfers, job pulls). */
export interface MarketBenchContext {
  /** The scratch database's URL (PostgreSQL), or undefined on PGlite. */
  databaseUrl: string | undefined;
  handle: DatabaseHandle;
  rounds: number;
}
