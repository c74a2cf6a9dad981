import { fileURLToPath } from "node:url";
import { migrate as migrateBunSql } from "drizzle-orm/bun-sql/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { BunSQLDatabase } from "drizzle-orm/bun-sql";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { DatabaseHandle } from "./connection.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations", import.meta.url));

/** Applies the committed drizzle-kit migrations; the same folder serves PGlite and PostgreSQL. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  const options = { migrationsFolder: MIGRATIONS_DIR };
  if (handle.kind === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, options);
  } else {
    await migrateBunSql(handle.db as unknown as BunSQLDatabase, options);
  }
}
