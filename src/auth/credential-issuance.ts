import { and, eq, gt } from "drizzle-orm";
import type { Tx } from "../../db/connection.ts";
import { authSessions, users } from "../../db/schema/index.ts";
import { AppError } from "../platform/errors.ts";
import type { Principal } from "./principal.ts";

/**
 * Issuing a credential races with signInProvenEmail (proven-email.ts), which locks the account row
 * and revokes what an unverified claimant holds. Each issuance therefore takes a share lock on the
 * account row in its own transaction and re-checks what it was granted on: either it commits first
 * (and is revoked by the proof that follows) or it waits and finds its grounds gone.
 */

/**
 * The one rule for every path that issues API keys (`apiKeys.create`, `POST /api/account/me/api-key`):
 * only a signed-in person may, with a session or access token. A key that could mint keys would let
 * a leaked key outlive its own revocation. A session must still be live when the key is written.
 */
export async function assertMayIssueKeys(tx: Tx, principal: Pick<Principal, "userId" | "method" | "credentialId">): Promise<void> {
  if (principal.method === "api_key") {
    throw new AppError("FORBIDDEN", "API keys cannot create API keys; sign in to create one");
  }
  await lockAccount(tx, principal.userId);
  if (principal.method !== "session") return;
  const [live] = await tx
    .select({ id: authSessions.id })
    .from(authSessions)
    .where(and(eq(authSessions.id, principal.credentialId), gt(authSessions.expiresAt, new Date())))
    .limit(1);
  if (!live) throw new AppError("UNAUTHENTICATED", "Authentication required");
}

/** A password sign-in may start a session only while the password it checked is still the account's. */
export async function passwordStillCurrent(tx: Tx, input: { userId: string; passwordHash: string }): Promise<boolean> {
  const [row] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, input.userId), eq(users.passwordHash, input.passwordHash)))
    .for("share")
    .limit(1);
  return row !== undefined;
}

async function lockAccount(tx: Tx, userId: string): Promise<void> {
  const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("share").limit(1);
  if (!row) throw new AppError("UNAUTHENTICATED", "Account no longer exists");
}
