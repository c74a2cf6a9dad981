import { eq } from "drizzle-orm";
import { users, type UserRow } from "../../db/schema/index.ts";
import { createApiKey } from "../../src/domains/identity/api-keys.ts";
import { createSession, SESSION_COOKIE } from "../../src/domains/identity/sessions.ts";
import { findOrCreateUserByEmail } from "../../src/domains/identity/users.ts";
import type { TestPlatform } from "./harness.ts";

/** Test data made through the same service functions the platform uses. */
let counter = 0;

export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}.${Date.now().toString(36)}.${counter}@example.test`;
}

export async function createUser(
  t: TestPlatform,
  options: { email?: string; password?: string; role?: "user" | "admin"; username?: string } = {},
): Promise<UserRow> {
  const { db } = t.platform.services;
  const { user } = await findOrCreateUserByEmail(db, {
    email: options.email ?? uniqueEmail(),
    emailVerified: true,
    adminEmails: [],
  });
  const patch: Partial<UserRow> = {};
  if (options.password) patch.passwordHash = await Bun.password.hash(options.password, { algorithm: "argon2id" });
  if (options.role) patch.role = options.role;
  if (options.username) patch.username = options.username;
  if (Object.keys(patch).length === 0) return user;
  const [updated] = await db.update(users).set(patch).where(eq(users.id, user.id)).returning();
  return updated as UserRow;
}

/** A user with a fresh API key: `{ user, key, auth: { authorization } }`. */
export async function createUserWithKey(t: TestPlatform, options: Parameters<typeof createUser>[1] = {}) {
  const user = await createUser(t, options);
  const { key, summary } = await createApiKey(t.platform.services.db, { userId: user.id, name: "test" });
  return { user, key, keyId: summary.id, headers: { authorization: `Bearer ${key}` } };
}

/** A signed-in browser: the cookie header value for a new session. */
export async function sessionCookieFor(t: TestPlatform, userId: string): Promise<string> {
  const { token } = await createSession(t.platform.services.db, { userId, ttlDays: 30 });
  return `${SESSION_COOKIE}=${token}`;
}
