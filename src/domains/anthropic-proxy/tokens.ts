import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { anthropicUsage, sandboxProxyTokens } from "../../../db/schema/anthropic-proxy.ts";
import { sandboxes } from "../../../db/schema/workspaces.ts";
import { hashToken, randomToken } from "../../platform/tokens.ts";

/** What a proxy token looks like, so a leaked one is recognisable in a log or a scanner. */
export const PROXY_TOKEN_PREFIX = "acsbx_";

/** Sandbox states whose token works: the container exists and may call the model. */
const LIVE_STATUSES = ["creating", "running"] as const;

/**
 * A new proxy token for a sandbox: returns the plaintext once and stores its hash. The sandbox's
 * older tokens are revoked in the same transaction, so exactly one token is live per sandbox.
 */
export async function issueProxyToken(db: DbOrTx, input: { sandboxId: string; workspaceId: string }): Promise<string> {
  const token = PROXY_TOKEN_PREFIX + randomToken(32);
  await db.transaction(async (tx) => {
    await revokeProxyTokens(tx, input.sandboxId);
    await tx.insert(sandboxProxyTokens).values({ tokenHash: hashToken(token), sandboxId: input.sandboxId, workspaceId: input.workspaceId });
  });
  return token;
}

/**
 * Revokes every live token of a sandbox. The proxy looks its token up on every request (no cache),
 * so the very next request with a revoked token is refused.
 */
export async function revokeProxyTokens(db: DbOrTx, sandboxId: string): Promise<void> {
  await db
    .update(sandboxProxyTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sandboxProxyTokens.sandboxId, sandboxId), isNull(sandboxProxyTokens.revokedAt)));
}

export interface ProxyPrincipal {
  sandboxId: string;
  workspaceId: string;
}

/**
 * The sandbox a presented token belongs to, or null: unknown, revoked, or its sandbox is no longer
 * creating/running (a pause or delete refuses it even if a revocation were missed). One indexed query.
 */
export async function authenticateProxyToken(db: DbOrTx, token: string): Promise<ProxyPrincipal | null> {
  const found = await lookUp(db, token, false);
  return found ? { sandboxId: found.sandboxId, workspaceId: found.workspaceId } : null;
}

/**
 * As authenticateProxyToken, with the tokens the sandbox used in the last minute, summed in the
 * same query when `countTokens` (else 0).
 */
export async function authenticateWithRecentTokens(db: DbOrTx, token: string, countTokens = true): Promise<(ProxyPrincipal & { tokensLastMinute: number }) | null> {
  const found = await lookUp(db, token, countTokens);
  return found ? { sandboxId: found.sandboxId, workspaceId: found.workspaceId, tokensLastMinute: Number(found.tokensLastMinute ?? 0) } : null;
}

async function lookUp(db: DbOrTx, token: string, withTokens: boolean) {
  if (!token.startsWith(PROXY_TOKEN_PREFIX)) return null;
  const tokensLastMinute = withTokens
    ? sql<number>`(select coalesce(sum(${anthropicUsage.inputTokens} + ${anthropicUsage.outputTokens}), 0)::int from ${anthropicUsage} where ${anthropicUsage.sandboxId} = ${sandboxProxyTokens.sandboxId} and ${anthropicUsage.at} > now() - interval '1 minute')`
    : sql<number>`0`;
  const rows = await db
    .select({ sandboxId: sandboxProxyTokens.sandboxId, workspaceId: sandboxProxyTokens.workspaceId, tokensLastMinute })
    .from(sandboxProxyTokens)
    .innerJoin(sandboxes, eq(sandboxes.id, sandboxProxyTokens.sandboxId))
    .where(
      and(
        eq(sandboxProxyTokens.tokenHash, hashToken(token)),
        isNull(sandboxProxyTokens.revokedAt),
        inArray(sandboxes.status, [...LIVE_STATUSES]),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}
