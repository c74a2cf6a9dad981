import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "../../db/connection.ts";
import { apiKeys, authSessions, refreshTokens, users, type UserRow } from "../../db/schema/index.ts";
import { findOrCreateUserByEmail, normalizeEmail } from "./users.ts";

export interface ProvenEmailSignIn {
  user: UserRow;
  /** A new account was made for the address. */
  created: boolean;
  /**
   * The account had been claimed without proof of the address (a password registration): the
   * claimant's password, cookie sessions, refresh tokens and API keys are gone. The caller drops
   * cached principals (`user:<id>`) once the transaction has committed.
   */
  unverifiedClaimCleared: boolean;
}

/**
 * The account of an e-mail address someone has just proved to own (a magic link, a provider's
 * verified e-mail), created on first use. An unverified claim never outlives the owner's proof:
 * whoever registered the address without proving it loses every credential they chose or hold.
 * ADMIN_EMAILS promotion happens here, for the proven address only.
 *
 * Runs inside the caller's transaction. The account row is locked first, so a credential issued
 * concurrently (password login, API key) either commits before and is revoked here, or waits and
 * then finds its grounds gone (see credential-issuance.ts).
 */
export async function signInProvenEmail(
  tx: Tx,
  input: { email: string; adminEmails: readonly string[]; displayName?: string | null },
): Promise<ProvenEmailSignIn> {
  const email = normalizeEmail(input.email);
  const [before] = await tx.select().from(users).where(eq(users.email, email)).for("update").limit(1);
  const { user, created } = await findOrCreateUserByEmail(tx, {
    email,
    emailVerified: true,
    adminEmails: input.adminEmails,
    displayName: input.displayName,
  });
  if (!before || before.emailVerified) return { user, created, unverifiedClaimCleared: false };
  return { user: await clearUnverifiedClaim(tx, user), created, unverifiedClaimCleared: true };
}

async function clearUnverifiedClaim(tx: Tx, user: UserRow): Promise<UserRow> {
  const now = new Date();
  // Sessions go before keys: a key being issued on a session waits on the session row (credential-issuance.ts).
  await tx.delete(authSessions).where(eq(authSessions.userId, user.id));
  await tx.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.userId, user.id), isNull(apiKeys.revokedAt)));
  await tx.update(refreshTokens).set({ revokedAt: now }).where(and(eq(refreshTokens.userId, user.id), isNull(refreshTokens.revokedAt)));
  if (!user.passwordHash) return user;
  const [cleared] = await tx
    .update(users)
    .set({ passwordHash: null, passwordChangedAt: now, updatedAt: now })
    .where(eq(users.id, user.id))
    .returning();
  return cleared ?? user;
}
