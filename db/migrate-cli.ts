/** `bun run db:migrate`: applies migrations to the configured database and exits. */
import { loadConfig } from "../src/config/index.ts";
import { type DataDirLock, DataDirLockedError, lockDataDir } from "../src/platform/data-dir-lock.ts";
import { makeDataDirPrivate } from "./data-dir.ts";
import { openDatabase } from "./connection.ts";
import { migrateDatabase } from "./migrate.ts";
import { databaseTarget } from "./target.ts";

process.umask(0o077);
const config = loadConfig();
const target = databaseTarget(config);
let lock: DataDirLock | undefined;
if (target.kind === "pglite") {
  // A running server has the embedded database open; a second opener would corrupt it.
  makeDataDirPrivate(config.dataDir);
  try {
    lock = lockDataDir(config.dataDir);
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
const handle = await openDatabase(target);
await migrateDatabase(handle);
console.log(`migrations applied to ${handle.kind} at ${handle.location}`);
await handle.close();
lock?.release();
