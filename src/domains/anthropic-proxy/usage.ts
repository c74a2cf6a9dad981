import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { anthropicUsage } from "../../../db/schema/anthropic-proxy.ts";

export interface UsageRecord {
  sandboxId: string;
  workspaceId: string;
  model: string | null;
  status: number;
  inputTokens: number;
  outputTokens: number;
}

export async function recordUsage(db: DbOrTx, record: UsageRecord): Promise<void> {
  await db.insert(anthropicUsage).values(record);
}

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** Totals of the proxied calls of a workspace, or of one of its sandboxes. */
export async function usageOf(db: DbOrTx, filter: { workspaceId: string; sandboxId?: string }): Promise<UsageTotals> {
  const where = filter.sandboxId
    ? and(eq(anthropicUsage.workspaceId, filter.workspaceId), eq(anthropicUsage.sandboxId, filter.sandboxId))
    : eq(anthropicUsage.workspaceId, filter.workspaceId);
  const [row] = await db
    .select({
      requests: sql<number>`count(*)::int`,
      inputTokens: sql<number>`coalesce(sum(${anthropicUsage.inputTokens}), 0)::int`,
      outputTokens: sql<number>`coalesce(sum(${anthropicUsage.outputTokens}), 0)::int`,
    })
    .from(anthropicUsage)
    .where(where);
  return { requests: Number(row?.requests ?? 0), inputTokens: Number(row?.inputTokens ?? 0), outputTokens: Number(row?.outputTokens ?? 0) };
}
