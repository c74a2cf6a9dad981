import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection.ts";
import { preparedPerHandle } from "../../db/prepared.ts";
import { authSessions, users } from "../../db/schema/index.ts";
import type { Principal } from "./principal.ts";
import { hashToken, randomToken } from "../platform/tokens.ts";
import { principalOf } from "./users.ts";

/**
 * Cookie sessions in the Lucia model: a random token in an HttpOnly cookie, only its SHA-256 in
 * the database, sliding expiry (renewed when less than half the lifetime is left).
 */
export const SESSION_COOKIE = "session";

export async function createSession(
  db: DbOrTx,
  input: { userId: string; ttlDays: number; ip?: string; userAgent?: string | null },
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = randomToken(20);
  const sessionId = hashToken(token);
  const expiresAt = new Date(Date.now() + input.ttlDays * 86_400_000);
  await db.insert(authSessions).values({
    id: sessionId,
    userId: input.userId,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { token, sessionId, expiresAt };
}

export interface ValidatedSession {
  principal: Principal;
  sessionId: string;
  expiresAt: Date;
  /** True when the expiry moved: the cookie should be set again. */
  renewed: boolean;
}

export async function validateSessionToken(
  db: DbOrTx,
  token: string,
  ttlDays: number,
): Promise<ValidatedSession | null> {
  const sessionId = hashToken(token);
  const [row] = await sessionById(db).execute({ sessionId });
  if (!row) return null;
  const now = Date.now();
  if (row.session.expiresAt.getTime() <= now) {
    await db.delete(authSessions).where(eq(authSessions.id, sessionId));
    return null;
  }
  const lifetime = ttlDays * 86_400_000;
  let expiresAt = row.session.expiresAt;
  let renewed = false;
  if (expiresAt.getTime() - now < lifetime / 2) {
    expiresAt = new Date(now + lifetime);
    renewed = true;
    await db.update(authSessions).set({ expiresAt }).where(eq(authSessions.id, sessionId));
  }
  return { principal: principalOf(row.user, "session", sessionId), sessionId, expiresAt, renewed };
}

/** The session and its user: every cookie-authenticated request. */
const sessionById = preparedPerHandle((db) =>
  db
    .select({ session: authSessions, user: users })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(eq(authSessions.id, sql.placeholder("sessionId")))
    .limit(1)
    .prepare("auth_session_by_id"),
);

export async function invalidateSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.delete(authSessions).where(eq(authSessions.id, sessionId));
}

/** On password change or account lock-out: every browser signs in again. */
export async function invalidateUserSessions(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(authSessions).where(eq(authSessions.userId, userId));
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}

export function readCookie(headers: Headers, name: string): string | null {
  const header = headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
