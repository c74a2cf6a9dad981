import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection.ts";
import { preparedPerHandle } from "../../db/prepared.ts";
import type { Principal } from "./principal.ts";
import { apiKeys, users } from "../../db/schema/index.ts";
import { AppError } from "../platform/errors.ts";
import { newId } from "../platform/ids.ts";
import type { InvalidatingCache } from "../platform/invalidating-cache.ts";
import { hashToken, randomToken } from "../platform/tokens.ts";
import { assertMayIssueKeys } from "./credential-issuance.ts";
import { principalOf } from "./users.ts";

/** A resolved API-key principal as the cache keeps it; revocation invalidates every replica's copy. */
export interface CachedPrincipal {
  principal: Principal;
  /** Unix ms after which the credential itself is expired. */
  expiresAt: number | null;
}

export const API_KEY_PREFIX = "oc_live_";
/** How much of the key is kept in clear to tell keys apart: `oc_live_` + 6 characters. */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 6;

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  primary: boolean;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

export function isApiKeyShaped(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX) && token.length > DISPLAY_LENGTH;
}

/** Who asks for a key: issuing paths pass the request's principal (see assertMayIssueKeys). */
export type KeyIssuer = Pick<Principal, "userId" | "method" | "credentialId">;

/** A new key for the issuer, if the issuer may issue keys (assertMayIssueKeys). */
export function issueApiKey(
  db: DbOrTx,
  issuer: KeyIssuer,
  input: { name: string; expiresAt?: Date | null },
): Promise<{ key: string; summary: ApiKeySummary }> {
  return db.transaction(async (tx) => {
    await assertMayIssueKeys(tx, issuer);
    return createApiKey(tx, { userId: issuer.userId, name: input.name, expiresAt: input.expiresAt });
  });
}

/** Creates a key, unchecked (issuing paths use issueApiKey); the plaintext is returned here and nowhere else, ever. */
export async function createApiKey(
  db: DbOrTx,
  input: { userId: string; name: string; expiresAt?: Date | null; primary?: boolean },
): Promise<{ key: string; summary: ApiKeySummary }> {
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw new AppError("VALIDATION", "Validation failed: expires_at must be in the future", { expires_at: "must be in the future" });
  }
  // 32 random bytes → 52 base32 characters after the prefix.
  const key = `${API_KEY_PREFIX}${randomToken(32)}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      userId: input.userId,
      name: input.name,
      prefix: key.slice(0, DISPLAY_LENGTH),
      keyHash: hashToken(key),
      primary: input.primary ?? false,
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  return { key, summary: toSummary(row as typeof apiKeys.$inferSelect) };
}

export async function listApiKeys(db: DbOrTx, userId: string): Promise<ApiKeySummary[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(toSummary);
}

/** Revokes one of the user's keys; another user's key id is "not found". Every replica forgets it. */
export async function revokeApiKey(
  db: DbOrTx,
  cache: InvalidatingCache<CachedPrincipal>,
  input: { userId: string; keyId: string },
): Promise<ApiKeySummary> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.userId, input.userId), isNull(apiKeys.revokedAt)))
    .returning();
  if (!row) {
    const [existing] = await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.userId, input.userId)))
      .limit(1);
    if (!existing) throw new AppError("NOT_FOUND", "API key not found");
    return toSummary(existing);
  }
  await cache.invalidate([`key:${row.id}`]);
  return toSummary(row);
}

/**
 * The mobile surface's single "account key": revokes the previous primary key and issues a new one,
 * if the issuer may issue keys (assertMayIssueKeys); every replica forgets the old key.
 */
export async function regeneratePrimaryApiKey(
  db: DbOrTx,
  cache: InvalidatingCache<CachedPrincipal>,
  issuer: KeyIssuer,
): Promise<{ key: string; summary: ApiKeySummary }> {
  const { revoked, created } = await db.transaction(async (tx) => {
    await assertMayIssueKeys(tx, issuer);
    const revokedRows = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.userId, issuer.userId), eq(apiKeys.primary, true), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    return { revoked: revokedRows, created: await createApiKey(tx, { userId: issuer.userId, name: "Account key", primary: true }) };
  });
  if (revoked.length) await cache.invalidate(revoked.map((r) => `key:${r.id}`));
  return created;
}

/** Bearer key → principal, through the cache; revoked, expired or unknown keys are null. */
export async function authenticateApiKey(
  db: DbOrTx,
  cache: InvalidatingCache<CachedPrincipal>,
  key: string,
): Promise<CachedPrincipal | null> {
  const hash = hashToken(key);
  const cached = cache.get(hash);
  if (cached) return cached.expiresAt !== null && cached.expiresAt <= Date.now() ? null : cached;
  const [row] = await keyByHash(db).execute({ hash });
  if (!row || row.key.revokedAt) return null;
  const expiresAt = row.key.expiresAt?.getTime() ?? null;
  if (expiresAt !== null && expiresAt <= Date.now()) return null;
  const entry: CachedPrincipal = { principal: principalOf(row.user, "api_key", row.key.id), expiresAt };
  cache.set(hash, entry, [`key:${row.key.id}`, `user:${row.user.id}`]);
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.key.id));
  return entry;
}

/** The key and its user by the key's hash: every cache miss of every API-key request. */
const keyByHash = preparedPerHandle((db) =>
  db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, sql.placeholder("hash")))
    .limit(1)
    .prepare("auth_api_key_by_hash"),
);

function toSummary(row: typeof apiKeys.$inferSelect): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    primary: row.primary,
    expires_at: row.expiresAt,
    revoked_at: row.revokedAt,
    last_used_at: row.lastUsedAt,
    created_at: row.createdAt,
  };
}
