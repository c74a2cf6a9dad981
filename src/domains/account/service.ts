import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { preparedPerHandle } from "../../../db/prepared.ts";
import { apiKeys, users, type UserRow } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { InvalidatingCache } from "../../platform/invalidating-cache.ts";
import type { Logger } from "../../platform/logger.ts";
import type { CachedPrincipal } from "../../platform/services.ts";
import { audit } from "../../platform/audit.ts";
import type { SignedInActor } from "../../platform/request.ts";
import { regeneratePrimaryApiKey, type KeyIssuer } from "../../auth/api-keys.ts";
import { findUserById } from "../../auth/users.ts";
import type { TProfile, TUpdateProfileInput } from "./account.types.ts";

export async function getProfile(db: DbOrTx, userId: string): Promise<TProfile> {
  return toProfile(db, await requireUser(db, userId));
}

/** Applies the fields present; every replica drops cached principals so the new name shows at once. */
export async function updateProfile(
  deps: { db: DbOrTx; principalCache: InvalidatingCache<CachedPrincipal> },
  input: { userId: string; patch: TUpdateProfileInput },
): Promise<TProfile> {
  const { db } = deps;
  const set: Partial<UserRow> = {};
  if (input.patch.display_name !== undefined) set.displayName = input.patch.display_name;
  if (input.patch.recording_opt_in !== undefined) set.recordingOptIn = input.patch.recording_opt_in;
  if (input.patch.session_timeout_min !== undefined) set.sessionTimeoutMin = input.patch.session_timeout_min;
  if (Object.keys(set).length === 0) return getProfile(db, input.userId);
  const [row] = await db.update(users).set({ ...set, updatedAt: new Date() }).where(eq(users.id, input.userId)).returning();
  if (!row) throw new AppError("NOT_FOUND", "Account not found");
  await deps.principalCache.invalidate([`user:${input.userId}`]);
  return toProfile(db, row);
}

/**
 * Revokes the account's current key and issues a new one, if the caller may issue keys (not with
 * an API key: assertMayIssueKeys); the plaintext is in this result only.
 */
export async function regenerateAccountKey(deps: {
  db: DbOrTx;
  logger: Logger;
  principalCache: InvalidatingCache<CachedPrincipal>;
  issuer: KeyIssuer;
  actor: SignedInActor;
}): Promise<{ key: string; prefix: string; createdAt: Date }> {
  const { db, logger } = deps;
  const { key, summary } = await regeneratePrimaryApiKey(db, deps.principalCache, deps.issuer);
  await audit({ db, logger }, deps.actor, "api_key.create", {
    outcome: "success",
    subject: summary.id,
    details: { primary: true, prefix: summary.prefix },
  });
  return { key, prefix: summary.prefix, createdAt: summary.created_at };
}

export async function requireUser(db: DbOrTx, userId: string): Promise<UserRow> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError("UNAUTHENTICATED", "Account no longer exists");
  return user;
}

async function toProfile(db: DbOrTx, user: UserRow): Promise<TProfile> {
  const [key] = await primaryKeyOf(db).execute({ userId: user.id, now: new Date().toISOString() });
  return {
    id: user.id,
    email: user.email,
    display_name: user.displayName,
    recording_opt_in: user.recordingOptIn,
    session_timeout_min: user.sessionTimeoutMin,
    role: user.role,
    created_at: user.createdAt,
    api_key: key ? { prefix: key.prefix, created_at: key.createdAt } : null,
  };
}

/** The account's current primary key, shown by prefix: every read of the profile. */
const primaryKeyOf = preparedPerHandle((db) =>
  db
    .select({ prefix: apiKeys.prefix, createdAt: apiKeys.createdAt })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.userId, sql.placeholder("userId")),
        eq(apiKeys.primary, true),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql.placeholder("now"))),
      ),
    )
    .orderBy(desc(apiKeys.createdAt))
    .limit(1)
    .prepare("account_primary_key"),
);
