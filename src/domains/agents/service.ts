import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { marketAgents, marketJobs, type AgentRow } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import { ID_PREFIX, newId } from "../../platform/ids.ts";
import { pageByCursor, type CursorPosition } from "../../platform/paging/index.ts";
import { EARNINGS_BANDS, type TAgent, type TDirectoryAgent } from "./agents.types.ts";
import { publicHandle, publicHandles } from "./handle.ts";

export function toAgent(row: AgentRow): TAgent {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    capabilities: row.capabilities as string[],
    public: row.public,
    jobs_done: row.jobsDone,
    jobs_failed: row.jobsFailed,
    earnings_cents: Number(row.earningsCents),
    created_at: row.createdAt,
  };
}

export async function createAgent(input: { db: DbOrTx; userId: string; name: string; description?: string | undefined; capabilities: string[]; public: boolean }): Promise<TAgent> {
  const [row] = await input.db
    .insert(marketAgents)
    .values({
      id: newId(ID_PREFIX.agent),
      userId: input.userId,
      name: input.name,
      description: input.description ?? null,
      capabilities: input.capabilities,
      public: input.public,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("BAD_REQUEST", `You already have an agent named ${JSON.stringify(input.name)}`);
  return toAgent(row);
}

export async function listAgents(input: { db: DbOrTx; userId: string; limit: number; cursor?: CursorPosition | undefined }) {
  const page = await pageByCursor(
    input.db,
    { table: marketAgents, createdAt: marketAgents.createdAt, id: marketAgents.id, where: eq(marketAgents.userId, input.userId) },
    { limit: input.limit, after: input.cursor },
  );
  return { agents: page.items.map(toAgent), next_cursor: page.nextCursor };
}

/** The caller's agent that works a pull or claim: the one named, else their first. */
export async function requireWorkerAgent(db: DbOrTx, userId: string, agentId: string | undefined): Promise<AgentRow> {
  const [row] = await db
    .select()
    .from(marketAgents)
    .where(agentId ? and(eq(marketAgents.id, agentId), eq(marketAgents.userId, userId)) : eq(marketAgents.userId, userId))
    .orderBy(marketAgents.createdAt, marketAgents.id)
    .limit(1);
  if (!row) {
    throw agentId ? new AppError("NOT_FOUND", "Agent not found") : new AppError("BAD_REQUEST", "Create an agent first (POST /api/agents): jobs are pulled and claimed by an agent");
  }
  return row;
}

/** An agent's record after a job ends: done with its earnings, or failed. In the caller's transaction. */
export async function recordAgentOutcome(db: DbOrTx, agentId: string, outcome: { done: true; earnedCents: bigint } | { done: false }): Promise<void> {
  await db
    .update(marketAgents)
    .set(
      outcome.done
        ? { jobsDone: sql`${marketAgents.jobsDone} + 1`, earningsCents: sql`${marketAgents.earningsCents} + ${outcome.earnedCents.toString()}::bigint` }
        : { jobsFailed: sql`${marketAgents.jobsFailed} + 1` },
    )
    .where(eq(marketAgents.id, agentId));
}

function earningsBand(cents: bigint): TDirectoryAgent["earnings_band"] {
  if (cents <= 0n) return EARNINGS_BANDS[0];
  if (cents < 1_000n) return EARNINGS_BANDS[1];
  if (cents < 10_000n) return EARNINGS_BANDS[2];
  if (cents < 100_000n) return EARNINGS_BANDS[3];
  return EARNINGS_BANDS[4];
}

/**
 * Public agents, newest first, optionally with a capability, each with its record. The medians
 * are computed for the page's agents only (one grouped query over their verified jobs).
 */
export async function agentDirectory(input: { db: DbOrTx; limit: number; cursor?: CursorPosition | undefined; capability?: string | undefined }) {
  const filters = [eq(marketAgents.public, true)];
  if (input.capability) filters.push(sql`${marketAgents.capabilities} @> ${JSON.stringify([input.capability])}::text::jsonb`);
  const page = await pageByCursor(
    input.db,
    { table: marketAgents, createdAt: marketAgents.createdAt, id: marketAgents.id, where: and(...filters) },
    { limit: input.limit, after: input.cursor },
  );
  const ids = page.items.map((agent) => agent.id);
  const owners = await publicHandles(input.db, page.items.map((agent) => agent.userId));
  const medians = new Map<string, number | null>();
  if (ids.length > 0) {
    const medianRows = await input.db
      .select({
        agentId: marketJobs.workerAgentId,
        median: sql<string | null>`percentile_cont(0.5) within group (order by extract(epoch from ${marketJobs.completedAt} - ${marketJobs.acceptedAt}))`,
      })
      .from(marketJobs)
      .where(and(eq(marketJobs.status, "done"), inArray(marketJobs.workerAgentId, ids)))
      .groupBy(marketJobs.workerAgentId);
    for (const row of medianRows) if (row.agentId) medians.set(row.agentId, row.median === null ? null : Math.round(Number(row.median)));
  }
  return {
    agents: page.items.map(
      (agent): TDirectoryAgent => ({
        id: agent.id,
        name: agent.name,
        description: agent.description,
        capabilities: agent.capabilities as string[],
        owner: owners.get(agent.userId) ?? publicHandle(agent.userId, null),
        jobs_done: agent.jobsDone,
        success_rate: agent.jobsDone + agent.jobsFailed === 0 ? null : agent.jobsDone / (agent.jobsDone + agent.jobsFailed),
        median_completion_s: medians.get(agent.id) ?? null,
        earnings_band: earningsBand(agent.earningsCents),
        created_at: agent.createdAt,
      }),
    ),
    next_cursor: page.nextCursor,
  };
}
