/** `bun run db:migrate`: applies migrations to the configured database and exits. */
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "./connection.ts";
import { migrateDatabase } from "./migrate.ts";
import { databaseTarget } from "./target.ts";

const config = loadConfig();
const handle = await openDatabase(databaseTarget(config));
await migrateDatabase(handle);
console.log(`migrations applied to ${handle.kind} at ${handle.location}`);
await handle.close();
