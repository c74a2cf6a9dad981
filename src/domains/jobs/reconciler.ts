import { and, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { marketJobs, queueJobs } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { recordAgentOutcome } from "../agents/index.ts";
import { markAttempt } from "./attempts.ts";
import type { MarketDeps } from "./deps.ts";
import { publishJobLog } from "./logs.ts";
import { refundJob } from "./money.ts";
import { applyStep } from "./records.ts";
import { lockJob, settleVerification, withEvents } from "./service.ts";
import { JOB_STEPS } from "./state.ts";
import { VERIFY_QUEUE, verifyJobKey } from "./verify-queue.ts";

const BATCH = 200;

/**
 * Makes the jobs table keep its promises, at start-up and then every MARKET_RECONCILE_MS:
 * - a hold that lapsed puts the job back on the board;
 * - a missed deadline fails the job (cancels an unpaid one) and refunds its escrow;
 * - a submission whose verification job died (or is missing) is judged failed (or queued again).
 * Every change is a state-machine step with its conditional UPDATE, so a reconciler racing a
 * worker (or another replica's reconciler) changes a job at most once.
 */
export async function reconcileJobs(deps: MarketDeps, logger: Logger): Promise<void> {
  await expireHolds(deps);
  await failMissedDeadlines(deps, logger);
  await resumeVerifications(deps);
}

async function expireHolds(deps: MarketDeps): Promise<void> {
  const lapsed = await deps.db
    .select({ id: marketJobs.id })
    .from(marketJobs)
    .where(and(eq(marketJobs.status, "held"), lt(marketJobs.heldUntil, sql`now()`)))
    .limit(BATCH);
  for (const { id } of lapsed) {
    await deps.db
      .transaction(async (tx) => {
        await applyStep(tx, {
          jobId: id,
          step: "expire",
          to: "open",
          where: lt(marketJobs.heldUntil, sql`now()`),
          set: { workerUserId: null, workerAgentId: null, heldUntil: null },
        });
        await markAttempt(tx, id, "expired");
      })
      .catch(ignoreMoved);
  }
}

async function failMissedDeadlines(deps: MarketDeps, logger: Logger): Promise<void> {
  const missed = await deps.db
    .select({ id: marketJobs.id })
    .from(marketJobs)
    .where(and(isNotNull(marketJobs.deadlineAt), lt(marketJobs.deadlineAt, sql`now()`), inArray(marketJobs.status, [...JOB_STEPS.miss_deadline.from])))
    .limit(BATCH);
  for (const { id } of missed) {
    const result = await withEvents(deps, id, async (tx, log) => {
      const job = await lockJob(tx, id);
      if (!job || !(JOB_STEPS.miss_deadline.from as readonly string[]).includes(job.status)) return null;
      const unpaid = job.status === "pending_payment";
      const ended = await applyStep(tx, {
        jobId: id,
        step: "miss_deadline",
        to: unpaid ? "cancelled" : "failed",
        where: lt(marketJobs.deadlineAt, sql`now()`),
        set: { heldUntil: null, completedAt: new Date(), failReason: "the deadline passed" },
      });
      await refundJob(tx, deps.ledger, ended);
      if (job.status === "held" || job.status === "accepted") {
        await markAttempt(tx, id, "released");
        if (job.status === "accepted" && job.workerAgentId) await recordAgentOutcome(tx, job.workerAgentId, { done: false });
      }
      await log(tx, "status", unpaid ? "cancelled: the deadline passed before payment" : "failed: the deadline passed; escrow refunded", { status: ended.status });
      return ended;
    }).catch((error: unknown) => {
      logger.warn("could not fail a job past its deadline; retrying next round", { jobId: id, error: String(error) });
      return null;
    });
    if (result) await publishJobLog(deps.bus, result.events);
  }
}

async function resumeVerifications(deps: MarketDeps): Promise<void> {
  const submitted = await deps.db
    .select({ id: marketJobs.id, attempts: marketJobs.attempts, queued: queueJobs.status })
    .from(marketJobs)
    .leftJoin(queueJobs, and(eq(queueJobs.queue, VERIFY_QUEUE), eq(queueJobs.key, sql`${marketJobs.id} || ':' || ${marketJobs.attempts}`)))
    .where(eq(marketJobs.status, "submitted"))
    .limit(BATCH);
  for (const job of submitted) {
    if (job.queued === null) {
      await deps.queue.enqueue({ queue: VERIFY_QUEUE, key: verifyJobKey(job), payload: { jobId: job.id, attempt: job.attempts }, maxAttempts: 3 });
    } else if (job.queued === "dead" || job.queued === "done") {
      // The queue gave up (or finished without a verdict that stuck): judge it so the job moves on.
      await settleVerification(deps, { jobId: job.id, attempt: job.attempts, passed: false, reason: "the verifier could not run" });
    }
  }
}

/** Another step got there first: nothing to do. */
function ignoreMoved(error: unknown): void {
  if (error instanceof AppError && error.code === "BAD_REQUEST") return;
  throw error;
}
