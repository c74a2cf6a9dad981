import { and, eq, gt, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { refreshTokens } from "../../../db/schema/index.ts";
import { newId } from "../../platform/ids.ts";
import { hashToken, randomToken } from "../../platform/tokens.ts";

/** Opaque refresh tokens: 32 random bytes, only the SHA-256 stored, revocable one by one. */
export async function issueRefreshToken(db: DbOrTx, input: { userId: string; ttlDays: number }): Promise<string> {
  const token = randomToken(32);
  await db.insert(refreshTokens).values({
    id: newId("rt"),
    tokenHash: hashToken(token),
    userId: input.userId,
    expiresAt: new Date(Date.now() + input.ttlDays * 86_400_000),
  });
  return token;
}

/** The token's id and user when it is known, unrevoked and unexpired; null otherwise. */
export async function findActiveRefreshToken(db: DbOrTx, token: string): Promise<{ id: string; userId: string } | null> {
  const [row] = await db
    .select({ id: refreshTokens.id, userId: refreshTokens.userId })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.tokenHash, hashToken(token)), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, new Date())))
    .limit(1);
  return row ?? null;
}

/** Revokes the token; returns its id and user when it was still live (null: unknown or already revoked). */
export async function revokeRefreshToken(db: DbOrTx, token: string): Promise<{ id: string; userId: string } | null> {
  const [row] = await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.tokenHash, hashToken(token)), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id, userId: refreshTokens.userId });
  return row ?? null;
}
