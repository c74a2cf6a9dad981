import { SQL } from "bun";
import { openDatabase, type DatabaseHandle } from "../../db/connection.ts";
import { migrateDatabase } from "../../db/migrate.ts";

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or — when
 * TEST_DATABASE_URL is set — a new PostgreSQL database created for this file and dropped after.
 */
export interface TestDatabase {
  handle: DatabaseHandle;
  /** Unique per database: platforms sharing it share Redis keys too (REDIS_PREFIX), others don't. */
  id: string;
  /** Set for PostgreSQL: the URL of this file's own database, so a second process can open it. */
  url: string | undefined;
  /** Opens another connection to the same database (PostgreSQL), or shares the handle (PGlite). */
  connectAgain(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const handle = await openDatabase({ kind: "pglite", dataDir: "memory" });
    await migrateDatabase(handle);
    return {
      handle,
      id: crypto.randomUUID().slice(0, 12),
      url: undefined,
      connectAgain: async () => handle,
      drop: () => handle.close(),
    };
  }
  const name = `t_${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 8)}`;
  const admin = new SQL({ url: testDatabaseUrl, max: 1 });
  await admin.unsafe(`create database "${name}"`);
  await admin.close();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.toString() });
  await migrateDatabase(handle);
  const extra: DatabaseHandle[] = [];
  return {
    handle,
    id: name,
    url: url.toString(),
    connectAgain: async () => {
      const again = await openDatabase({ kind: "postgres", url: url.toString() });
      extra.push(again);
      return again;
    },
    drop: async () => {
      for (const h of extra) await h.close();
      await handle.close();
      const cleanup = new SQL({ url: testDatabaseUrl, max: 1 });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.close();
    },
  };
}
