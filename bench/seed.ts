import { openDatabase } from "../db/connection.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { databaseTarget } from "../db/target.ts";
import { createApiKey } from "../src/auth/api-keys.ts";
import { findOrCreateUserByEmail } from "../src/auth/users.ts";
import type { BenchBackend } from "./backend.ts";

/**
 * One user with a primary API key, written straight into the benchmark's database before any
 * server starts (migrations first, as the platform would run them): the credential the
 * authenticated cases send as `Authorization: Bearer …`. The key is made by the platform's own
 * `createApiKey`, so only its hash is stored, as in production.
 */
export async function seedApiKey(backend: BenchBackend): Promise<string> {
  const target = databaseTarget({ databaseUrl: backend.env.DATABASE_URL || undefined, dataDir: backend.env.DATA_DIR as string });
  const handle = await openDatabase(target);
  try {
    await migrateDatabase(handle);
    const { user } = await findOrCreateUserByEmail(handle.db, {
      email: "bench-reader@example.test",
      emailVerified: true,
      adminEmails: [],
      displayName: "Bench reader",
    });
    const { key } = await createApiKey(handle.db, { userId: user.id, name: "bench", primary: true });
    return key;
  } finally {
    await handle.close();
  }
}
