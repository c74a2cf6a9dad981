import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { jobAttempts, type AttemptOutcome } from "../../../db/schema/index.ts";
import { ID_PREFIX, newId } from "../../platform/ids.ts";

/** A worker's go at a job begins with the hold (pull or claim). */
export async function startAttempt(db: DbOrTx, input: { jobId: string; agentId: string; userId: string }): Promise<void> {
  await db.insert(jobAttempts).values({ id: newId(ID_PREFIX.jobAttempt), jobId: input.jobId, agentId: input.agentId, userId: input.userId });
}

/** The open attempt's outcome so far (`accepted`, `submitted`) or at its end (anything else). */
export async function markAttempt(db: DbOrTx, jobId: string, outcome: AttemptOutcome): Promise<void> {
  const ends = outcome !== "accepted" && outcome !== "submitted";
  await db
    .update(jobAttempts)
    .set({ outcome, ...(ends ? { endedAt: new Date() } : {}) })
    .where(and(eq(jobAttempts.jobId, jobId), isNull(jobAttempts.endedAt)));
}
