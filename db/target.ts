import { join } from "node:path";
import type { Config } from "../src/config/index.ts";
import type { DatabaseTarget } from "./connection.ts";

/** DATABASE_URL set → PostgreSQL; otherwise PGlite persisted under DATA_DIR/pglite. */
export function databaseTarget(config: Pick<Config, "databaseUrl" | "dataDir">): DatabaseTarget {
  if (config.databaseUrl) return { kind: "postgres", url: config.databaseUrl };
  return { kind: "pglite", dataDir: join(config.dataDir, "pglite") };
}
