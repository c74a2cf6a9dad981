import { eq } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import { users, type UserRow } from "../../db/schema/index.ts";
import { createApiKey } from "../../src/auth/api-keys.ts";
import { createSession, SESSION_COOKIE } from "../../src/auth/sessions.ts";
import { findOrCreateUserByEmail } from "../../src/auth/users.ts";
import type { TestPlatform } from "./harness.ts";
import { watchSecret } from "./secret-watch.ts";

/** Test data made through the same service functions the platform uses. */
let counter = 0;

export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}.${Date.now().toString(36)}.${counter}@example.test`;
}

type UserOptions = { email?: string; password?: string; role?: "user" | "admin"; username?: string };

export function createUser(t: TestPlatform, options: UserOptions = {}): Promise<UserRow> {
  return createUserIn(t.platform.services.db, options);
}

/** As createUser, straight in a database (for a platform running in another process). */
export async function createUserIn(db: Db, options: UserOptions = {}): Promise<UserRow> {
  const { user } = await findOrCreateUserByEmail(db, {
    email: options.email ?? uniqueEmail(),
    emailVerified: true,
    adminEmails: [],
  });
  const patch: Partial<UserRow> = {};
  if (options.password) watchSecret(options.password, { issuedByResponse: false });
  if (options.password) patch.passwordHash = await Bun.password.hash(options.password, { algorithm: "argon2id" });
  if (options.role) patch.role = options.role;
  if (options.username) patch.username = options.username;
  if (Object.keys(patch).length === 0) return user;
  const [updated] = await db.update(users).set(patch).where(eq(users.id, user.id)).returning();
  return updated as UserRow;
}

/** A user with a fresh API key: `{ user, key, keyId, headers: { authorization } }`. */
export function createUserWithKey(t: TestPlatform, options: UserOptions = {}) {
  return createUserWithKeyIn(t.platform.services.db, options);
}

/** As createUserWithKey, straight in a database (for a platform running in another process). */
export async function createUserWithKeyIn(db: Db, options: UserOptions = {}) {
  const user = await createUserIn(db, options);
  const { key, summary } = await createApiKey(db, { userId: user.id, name: "test" });
  watchSecret(key, { issuedByResponse: false });
  return { user, key, keyId: summary.id, headers: { authorization: `Bearer ${key}` } };
}

/** A signed-in browser: the cookie header value for a new session. */
export async function sessionCookieFor(t: TestPlatform, userId: string): Promise<string> {
  const { token } = await createSession(t.platform.services.db, { userId, ttlDays: 30 });
  watchSecret(token, { issuedByResponse: false });
  return `${SESSION_COOKIE}=${token}`;
}
