import type { DbOrTx } from "../../../db/connection.ts";
import { AppError } from "../../platform/errors.ts";
import type { InvalidatingCache } from "../../platform/invalidating-cache.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Principal } from "../../platform/principal.ts";
import type { CachedPrincipal } from "../../platform/services.ts";
import { recordAudit } from "../audit/service.ts";
import { issueApiKey, revokeApiKey, type ApiKeySummary } from "../../auth/api-keys.ts";

/** Who is acting and from where, for the audit row. */
export interface Actor {
  userId: string;
  ip: string;
  requestId: string;
}

/**
 * Creates a key for the actor, if the actor may issue keys: a signed-in person, not an API key
 * (assertMayIssueKeys, the rule every key-issuing path shares).
 */
export async function createKeyForUser(
  deps: { db: DbOrTx; logger: Logger },
  actor: Actor & Pick<Principal, "method" | "credentialId">,
  input: { name: string; expiresAt: Date | null },
): Promise<ApiKeySummary & { key: string }> {
  const { key, summary } = await issueApiKey(deps.db, actor, { name: input.name, expiresAt: input.expiresAt });
  await recordAudit(deps, {
    action: "api_key.create",
    outcome: "success",
    actorId: actor.userId,
    subject: summary.id,
    ip: actor.ip,
    requestId: actor.requestId,
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
  actor: Actor,
  keyId: string,
): Promise<ApiKeySummary> {
  const audit = { action: "api_key.revoke", actorId: actor.userId, subject: keyId, ip: actor.ip, requestId: actor.requestId };
  try {
    const summary = await revokeApiKey(deps.db, deps.cache, { userId: actor.userId, keyId });
    await recordAudit(deps, { ...audit, outcome: "success" });
    return summary;
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") {
      await recordAudit(deps, { ...audit, outcome: "failure", details: { reason: "not_found" } });
    }
    throw error;
  }
}
