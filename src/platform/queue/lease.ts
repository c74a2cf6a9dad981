import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { queueJobs } from "../../../db/schema/work-queue.ts";
import { dbNow, dbNowPlusMs, jsonb } from "./sql.ts";

/** One claim of one job. `attempt` is the fencing token: every claim increments it. */
export interface Lease {
  jobId: string;
  workerId: string;
  attempt: number;
}

/**
 * Every outcome is written only while the row is still this lease's. A worker whose lease ran
 * out and was re-claimed (by anyone — even itself, hence the attempt number) matches nothing, so
 * the new owner's result stands. The UPDATE waits on a claimer's row lock and then re-checks
 * this condition against the committed row, so the race between the two is safe too.
 */
function held(lease: Lease): SQL | undefined {
  return and(
    eq(queueJobs.id, lease.jobId),
    eq(queueJobs.status, "running"),
    eq(queueJobs.lockedBy, lease.workerId),
    eq(queueJobs.attempts, lease.attempt),
  );
}

async function applied(rows: Promise<{ id: string }[]>): Promise<boolean> {
  return (await rows).length > 0;
}

export function completeJob(db: Db, lease: Lease, result: unknown): Promise<boolean> {
  return applied(
    db
      .update(queueJobs)
      .set({ status: "done", result: jsonb(result), lockedUntil: null, finishedAt: dbNow, updatedAt: dbNow })
      .where(held(lease))
      .returning({ id: queueJobs.id }),
  );
}

/** Back to pending, claimable again once `delayMs` has passed on the database clock. */
export function retryJob(db: Db, lease: Lease, error: string, delayMs: number): Promise<boolean> {
  return applied(
    db
      .update(queueJobs)
      .set({ status: "pending", lastError: error, runAt: dbNowPlusMs(delayMs), lockedUntil: null, updatedAt: dbNow })
      .where(held(lease))
      .returning({ id: queueJobs.id }),
  );
}

export function deadLetterJob(db: Db, lease: Lease, error: string): Promise<boolean> {
  return applied(
    db
      .update(queueJobs)
      .set({ status: "dead", lastError: error, lockedUntil: null, finishedAt: dbNow, updatedAt: dbNow })
      .where(held(lease))
      .returning({ id: queueJobs.id }),
  );
}

/** Hands back a job claimed but never started (the worker was stopping); the claim does not count. */
export function releaseJob(db: Db, lease: Lease): Promise<boolean> {
  return applied(
    db
      .update(queueJobs)
      .set({
        status: "pending",
        attempts: sql`${queueJobs.attempts} - 1`,
        runAt: dbNow,
        lockedBy: null,
        lockedUntil: null,
        updatedAt: dbNow,
      })
      .where(held(lease))
      .returning({ id: queueJobs.id }),
  );
}

export function extendLease(db: Db, lease: Lease, ms: number): Promise<boolean> {
  return applied(
    db
      .update(queueJobs)
      .set({ lockedUntil: dbNowPlusMs(ms), updatedAt: dbNow })
      .where(held(lease))
      .returning({ id: queueJobs.id }),
  );
}
