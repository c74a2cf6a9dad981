import type { DbOrTx } from "../../../db/connection.ts";
import { AppError } from "../../platform/errors.ts";
import type { InvalidatingCache } from "../../platform/invalidating-cache.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Principal } from "../../auth/principal.ts";
import type { CachedPrincipal } from "../../platform/services.ts";
import { audit, type AuditEntry } from "../../platform/audit.ts";
import type { SignedInActor } from "../../platform/request.ts";
import { issueApiKey, revokeApiKey, type ApiKeySummary } from "../../auth/api-keys.ts";

/**
 * Creates a key for the actor, if the actor may issue keys: a signed-in person, not an API key
 * (assertMayIssueKeys, the rule every key-issuing path shares).
 */
export async function createKeyForUser(
  deps: { db: DbOrTx; logger: Logger },
  actor: SignedInActor & Pick<Principal, "method" | "credentialId">,
  input: { name: string; expiresAt: Date | null },
): Promise<ApiKeySummary & { key: string }> {
  const { key, summary } = await issueApiKey(deps.db, actor, { name: input.name, expiresAt: input.expiresAt });
  await audit(deps, actor, "api_key.create", {
    outcome: "success",
    subject: summary.id,
    details: { name: summary.name, expires_at: summary.expires_at?.toISOString() ?? null },
  });
  return { ...summary, key };
}

/**
 * Revokes one of the actor's keys (idempotent for an already-revoked key). Another user's key is
 * "not found", and the attempt is audited as a failure.
 */
export async function revokeKeyForUser(
  deps: { db: DbOrTx; logger: Logger; cache: InvalidatingCache<CachedPrincipal> },
  actor: SignedInActor,
  keyId: string,
): Promise<ApiKeySummary> {
  const revokeAudit = (entry: AuditEntry) => audit(deps, actor, "api_key.revoke", { subject: keyId, ...entry });
  try {
    const summary = await revokeApiKey(deps.db, deps.cache, { userId: actor.userId, keyId });
    await revokeAudit({ outcome: "success" });
    return summary;
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") {
      await revokeAudit({ outcome: "failure", details: { reason: "not_found" } });
    }
    throw error;
  }
}
