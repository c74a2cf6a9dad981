import { and, eq, gt, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { magicTokens } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { InvalidatingCache } from "../../platform/invalidating-cache.ts";
import type { Logger } from "../../platform/logger.ts";
import type { CachedPrincipal } from "../../platform/services.ts";
import { hashToken } from "../../platform/tokens.ts";
import { audit } from "../../platform/audit.ts";
import type { RequestMeta } from "../../platform/request.ts";
import { signAccessToken, type AccessTokenKeys } from "../../auth/access-tokens.ts";
import { signInProvenEmail } from "../../auth/proven-email.ts";
import { consumeInvite } from "./invites.ts";
import { issueRefreshToken } from "./refresh-tokens.ts";

export interface VerifyMagicLinkInput {
  db: DbOrTx;
  logger: Logger;
  /** Cached API-key principals of an unverified claim this sign-in ends are dropped. */
  principalCache: InvalidatingCache<CachedPrincipal>;
  keys: AccessTokenKeys;
  token: string;
  adminEmails: readonly string[];
  requireInvites: boolean;
  accessTokenTtlS: number;
  refreshTokenTtlDays: number;
  meta: RequestMeta;
}

/** Thrown inside the transaction to roll back the sign-up when its invite was spent meanwhile. */
class InviteSpent extends Error {}

/**
 * Spends a magic token (once, atomically) and signs its e-mail in: the account is created on
 * first use, with the invite the sign-up named spent on it in the same transaction. The link
 * proves the address, so an unverified claim on it ends here (signInProvenEmail).
 */
export async function verifyMagicLink(input: VerifyMagicLinkInput): Promise<{ accessToken: string; refreshToken: string; userId: string }> {
  const { db, logger } = input;
  const tokenHash = hashToken(input.token);
  const auditVerify = (outcome: "success" | "failure", fields: { actorId?: string; subject?: string; details: Record<string, string | boolean> }) =>
    audit({ db, logger }, input.meta, "auth.magic_link.verify", { outcome, ...fields });

  let signedIn: { userId: string; created: boolean; claimCleared: boolean; refreshToken: string } | null;
  try {
    signedIn = await db.transaction(async (tx) => {
      const now = new Date();
      const [claimed] = await tx
        .update(magicTokens)
        .set({ usedAt: now })
        .where(and(eq(magicTokens.tokenHash, tokenHash), isNull(magicTokens.usedAt), gt(magicTokens.expiresAt, now)))
        .returning();
      if (!claimed) return null;
      const { user, created, unverifiedClaimCleared } = await signInProvenEmail(tx, {
        email: claimed.email,
        adminEmails: input.adminEmails,
      });
      if (created && claimed.inviteId) {
        const spent = await consumeInvite(tx, { inviteId: claimed.inviteId, userId: user.id });
        if (!spent && input.requireInvites) throw new InviteSpent();
      }
      const refreshToken = await issueRefreshToken(tx, { userId: user.id, ttlDays: input.refreshTokenTtlDays });
      return { userId: user.id, created, claimCleared: unverifiedClaimCleared, refreshToken };
    });
  } catch (error) {
    if (!(error instanceof InviteSpent)) throw error;
    await auditVerify("failure", { details: { reason: "invite_spent" } });
    throw new AppError("FORBIDDEN", "The invite code of this sign-up has already been used");
  }

  if (!signedIn) {
    await auditVerify("failure", { details: { reason: await failureReason(db, tokenHash) } });
    throw new AppError("UNAUTHENTICATED", "Sign-in link is invalid, expired or already used");
  }
  if (signedIn.claimCleared) await input.principalCache.invalidate([`user:${signedIn.userId}`]);
  const { token: accessToken } = await signAccessToken(input.keys, { userId: signedIn.userId, ttlSeconds: input.accessTokenTtlS });
  const details = { created: signedIn.created, ...(signedIn.claimCleared ? { unverified_claim_cleared: true } : {}) };
  await auditVerify("success", { actorId: signedIn.userId, subject: signedIn.userId, details });
  return { accessToken, refreshToken: signedIn.refreshToken, userId: signedIn.userId };
}

/** For the audit trail only; the caller always sees the same 401. */
async function failureReason(db: DbOrTx, tokenHash: string): Promise<string> {
  const [row] = await db
    .select({ usedAt: magicTokens.usedAt, expiresAt: magicTokens.expiresAt })
    .from(magicTokens)
    .where(eq(magicTokens.tokenHash, tokenHash))
    .limit(1);
  if (!row) return "unknown";
  return row.usedAt ? "replayed" : "expired";
}
