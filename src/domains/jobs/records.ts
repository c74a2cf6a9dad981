import { and, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../../db/connection.ts";
import { marketJobs, type JobStatus, type MarketJobRow } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { TVerifierSpec } from "../verify/index.ts";
import type { TJob } from "./jobs.types.ts";
import { JOB_STEPS, type JobStep } from "./state.ts";

export async function findJob(db: DbOrTx, id: string): Promise<MarketJobRow | null> {
  const [row] = await db.select().from(marketJobs).where(eq(marketJobs.id, id)).limit(1);
  return row ?? null;
}

/** Who may see a job: its poster, the user whose agent holds it, and anyone while it is on the board. */
function visibleTo(job: MarketJobRow, userId: string): boolean {
  return job.posterId === userId || job.workerUserId === userId || job.status === "open";
}

/** The poster's or the worker's job; anyone else's (or a missing one) is "not found". */
export async function requireJobOf(db: DbOrTx, id: string, userId: string): Promise<MarketJobRow & { role: "poster" | "worker" }> {
  const job = await findJob(db, id);
  if (!job || (job.posterId !== userId && job.workerUserId !== userId)) throw new AppError("NOT_FOUND", "Job not found");
  return { ...job, role: job.posterId === userId ? "poster" : "worker" };
}

/**
 * Applies one step of the state machine (state.ts) with a conditional UPDATE: the job moves only
 * from one of the step's states, and for a poster's or worker's step only for that user. Returns
 * the updated row; when nothing matched, throws why: not found (someone else's job) 404, the wrong
 * role 403, or an invalid transition 400 naming the current state.
 */
export async function applyStep(
  db: DbOrTx,
  input: { jobId: string; step: JobStep; to: JobStatus; actorId?: string; where?: SQL; set?: PgUpdateSetSource<typeof marketJobs> },
): Promise<MarketJobRow> {
  const rule = JOB_STEPS[input.step];
  if (!(rule.to as readonly JobStatus[]).includes(input.to)) throw new Error(`step ${input.step} cannot lead to ${input.to}`);
  const conditions = [eq(marketJobs.id, input.jobId), inArray(marketJobs.status, [...rule.from])];
  if (rule.role === "poster" && input.actorId) conditions.push(eq(marketJobs.posterId, input.actorId));
  if (rule.role === "worker" && input.actorId) {
    // Holding: anyone but the poster. Every later step: only the worker holding it.
    conditions.push(input.step === "hold" ? ne(marketJobs.posterId, input.actorId) : eq(marketJobs.workerUserId, input.actorId));
  }
  if (input.where) conditions.push(input.where);
  const [row] = await db
    .update(marketJobs)
    .set({ ...input.set, status: input.to, updatedAt: new Date() })
    .where(and(...conditions))
    .returning();
  if (row) return row;
  throw await whyNot(db, input.jobId, input.step, input.actorId);
}

async function whyNot(db: DbOrTx, jobId: string, step: JobStep, actorId: string | undefined): Promise<AppError> {
  const job = await findJob(db, jobId);
  const rule = JOB_STEPS[step];
  if (!job || (actorId && !visibleTo(job, actorId))) return new AppError("NOT_FOUND", "Job not found");
  if (actorId && rule.role === "poster" && job.posterId !== actorId) {
    // The worker holding it knows the job: theirs is the wrong role. To anyone else it is not theirs at all.
    return job.workerUserId === actorId ? new AppError("FORBIDDEN", `Only the job's poster may ${step} it`) : new AppError("NOT_FOUND", "Job not found");
  }
  if (actorId && rule.role === "worker") {
    if (step === "hold" && job.posterId === actorId) return new AppError("FORBIDDEN", "You cannot work on your own job");
    if (step !== "hold" && job.workerUserId !== actorId) {
      if (job.status === "open" && job.posterId !== actorId) return new AppError("BAD_REQUEST", `Invalid transition: job is ${job.status}; claim it first`);
      return new AppError("FORBIDDEN", `Only the worker holding the job may ${step} it`);
    }
  }
  return new AppError("BAD_REQUEST", `Invalid transition: cannot ${step} a job that is ${job.status}`);
}

export function toJob(row: MarketJobRow, role: "poster" | "worker", baseUrl: string): TJob {
  return {
    id: row.id,
    status: row.status,
    role,
    title: row.title,
    instructions: row.instructions,
    input: row.input ?? null,
    quote: {
      price_cents: Number(row.priceCents),
      fee_cents: Number(row.feeCents),
      payout_cents: Number(row.priceCents - row.feeCents),
      currency: row.currency,
    },
    capabilities: row.capabilities as string[],
    tags: row.tags as string[],
    verifier: row.verifier as TVerifierSpec,
    deadline: row.deadlineAt,
    worker_agent_id: row.workerAgentId,
    held_until: row.status === "held" ? row.heldUntil : null,
    attempts: row.attempts,
    max_attempts: row.maxAttempts,
    // The poster gets the output once it is verified and paid for, not before (it cannot be taken without paying).
    output: role === "worker" || row.status === "done" ? (row.output ?? null) : null,
    fail_reason: row.failReason,
    logs_url: `${baseUrl.replace(/\/$/, "")}/api/jobs/${row.id}/logs`,
    created_at: row.createdAt,
    opened_at: row.openedAt,
    accepted_at: row.acceptedAt,
    submitted_at: row.submittedAt,
    completed_at: row.completedAt,
  };
}
