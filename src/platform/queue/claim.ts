import { and, asc, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { queueJobs } from "../../../db/schema/work-queue.ts";
import { dbNow, dbNowPlusMs } from "./sql.ts";
import type { QueueJob } from "./types.ts";

export interface ClaimInput {
  queue: string;
  workerId: string;
  limit: number;
  visibilityMs: number;
}

export interface ClaimResult {
  /** Leased to `workerId` until now() + visibilityMs; `attempts` already counts this claim. */
  claimed: QueueJob[];
  /** Ids dead-lettered because their lease ran out on the final attempt. */
  exhausted: string[];
}

/**
 * Leases up to `limit` due jobs in one short transaction. SKIP LOCKED makes concurrent claimers
 * (other workers, other processes) pass over rows someone else is claiming instead of queueing
 * behind them, so no two get the same row and nobody blocks.
 */
export async function claimJobs(db: Db, input: ClaimInput): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: queueJobs.id, attempts: queueJobs.attempts, maxAttempts: queueJobs.maxAttempts })
      .from(queueJobs)
      .where(
        and(
          eq(queueJobs.queue, input.queue),
          or(
            and(eq(queueJobs.status, "pending"), lte(queueJobs.runAt, dbNow)),
            // A running job past its lease: its worker crashed, hung or lost the database.
            and(eq(queueJobs.status, "running"), lte(queueJobs.lockedUntil, dbNow)),
          ),
        ),
      )
      .orderBy(asc(queueJobs.runAt), asc(queueJobs.id))
      .limit(input.limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return { claimed: [], exhausted: [] };

    // Every claim counts as an attempt, so a job that keeps killing its worker still ends up dead.
    const exhausted = due.filter((job) => job.attempts >= job.maxAttempts).map((job) => job.id);
    const claimable = due.filter((job) => job.attempts < job.maxAttempts).map((job) => job.id);

    if (exhausted.length > 0) {
      await tx
        .update(queueJobs)
        .set({
          status: "dead",
          lastError: sql`'lease expired on the final attempt (held by ' || coalesce(${queueJobs.lockedBy}, '?') || ')'`,
          lockedUntil: null,
          finishedAt: dbNow,
          updatedAt: dbNow,
        })
        .where(inArray(queueJobs.id, exhausted));
    }
    if (claimable.length === 0) return { claimed: [], exhausted };

    const claimed = await tx
      .update(queueJobs)
      .set({
        status: "running",
        attempts: sql`${queueJobs.attempts} + 1`,
        lockedBy: input.workerId,
        lockedUntil: dbNowPlusMs(input.visibilityMs),
        // Record why a reclaimed job is running again (SET sees the row's old values).
        lastError: sql`case when ${queueJobs.status} = 'running'
          then 'lease expired (held by ' || coalesce(${queueJobs.lockedBy}, '?') || ')'
          else ${queueJobs.lastError} end`,
        updatedAt: dbNow,
      })
      .where(inArray(queueJobs.id, claimable))
      .returning();
    claimed.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id.localeCompare(b.id));
    return { claimed, exhausted };
  });
}
