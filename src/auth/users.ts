import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection.ts";
import { preparedPerHandle } from "../../db/prepared.ts";
import { users, type UserRow } from "../../db/schema/index.ts";
import { newId } from "../platform/ids.ts";
import type { Principal } from "./principal.ts";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** By id: the principal of every JWT request, and most reads of one's own account. */
const userById = preparedPerHandle((db) =>
  db.select().from(users).where(eq(users.id, sql.placeholder("id"))).limit(1).prepare("auth_user_by_id"),
);

export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | null> {
  const [row] = await userById(db).execute({ id });
  return row ?? null;
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.email, normalizeEmail(email))).limit(1);
  return row ?? null;
}

/** Username or e-mail, as the workspaces login form takes either. */
export async function findUserByLogin(db: DbOrTx, login: string): Promise<UserRow | null> {
  const value = login.trim();
  if (value.includes("@")) return findUserByEmail(db, value);
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = ${value.toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

/**
 * The account for an e-mail, created on first sign-in. Admins named in ADMIN_EMAILS are promoted
 * whenever they sign in with a verified address, so the bootstrap needs no manual step; an
 * unverified address never gains the role. Sign-in by proof of the address goes through
 * signInProvenEmail (proven-email.ts), which also ends an unverified claim on the account.
 */
export async function findOrCreateUserByEmail(
  db: DbOrTx,
  input: { email: string; emailVerified: boolean; adminEmails: readonly string[]; displayName?: string | null },
): Promise<{ user: UserRow; created: boolean }> {
  const email = normalizeEmail(input.email);
  const role = input.emailVerified && input.adminEmails.includes(email) ? "admin" : "user";
  const inserted = await db
    .insert(users)
    .values({ id: newId("usr"), email, emailVerified: input.emailVerified, role, displayName: input.displayName ?? null })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (inserted[0]) return { user: inserted[0], created: true };
  const existing = (await findUserByEmail(db, email)) as UserRow;
  const patch: Partial<UserRow> = {};
  if (input.emailVerified && !existing.emailVerified) patch.emailVerified = true;
  if (role === "admin" && existing.role !== "admin") patch.role = "admin";
  if (Object.keys(patch).length === 0) return { user: existing, created: false };
  const [updated] = await db.update(users).set({ ...patch, updatedAt: new Date() }).where(eq(users.id, existing.id)).returning();
  return { user: updated as UserRow, created: false };
}

export function principalOf(user: UserRow, method: Principal["method"], credentialId: string): Principal {
  return {
    userId: user.id,
    email: user.email,
    role: user.role,
    displayName: user.displayName,
    method,
    credentialId,
  };
}
