import { and, asc, desc, eq, gt, gte, inArray, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { jobAttempts, marketJobs, type JobStatus, type MarketJobRow } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import { ID_PREFIX, newId } from "../../platform/ids.ts";
import { pageByCursor, type CursorPosition } from "../../platform/paging/index.ts";
import { recordAgentOutcome, requireWorkerAgent } from "../agents/index.ts";
import { checkVerifierSpec, type TVerifierSpec } from "../verify/index.ts";
import { markAttempt, startAttempt } from "./attempts.ts";
import type { MarketDeps } from "./deps.ts";
import type { TJob } from "./jobs.types.ts";
import { appendJobLog, publishJobLog, type JobLogEvent } from "./logs.ts";
import { escrowJob, feeFor, MARKET_CURRENCY, payOutJob, refundJob } from "./money.ts";
import { applyStep, findJob, requireJobOf, toJob } from "./records.ts";
import { JOB_STEPS } from "./state.ts";
import { VERIFY_QUEUE, verifyJobKey } from "./verify-queue.ts";

type Role = "poster" | "worker";
const view = (deps: MarketDeps, row: MarketJobRow, role: Role): TJob => toJob(row, role, deps.baseUrl);

/** POST /api/jobs/run, the first phase: the job is checked, priced and kept `pending_payment` with its quote. */
export async function runJob(
  deps: MarketDeps,
  userId: string,
  input: {
    title: string;
    instructions: string;
    input?: unknown;
    price_cents: number;
    capabilities: string[];
    tags: string[];
    deadline?: string | undefined;
    verifier: TVerifierSpec;
    max_attempts?: number | undefined;
  },
): Promise<TJob> {
  const deadline = input.deadline ? new Date(input.deadline) : null;
  if (deadline && deadline.getTime() <= Date.now()) throw new AppError("BAD_REQUEST", "deadline must be in the future");
  checkVerifierSpec(input.verifier, { containers: deps.containers });
  const price = BigInt(input.price_cents);
  const [row] = await deps.db
    .insert(marketJobs)
    .values({
      id: newId(ID_PREFIX.marketJob),
      posterId: userId,
      title: input.title,
      instructions: input.instructions,
      input: input.input ?? null,
      priceCents: price,
      feeCents: feeFor(price, deps.config.feeBps),
      currency: MARKET_CURRENCY,
      capabilities: input.capabilities,
      tags: input.tags,
      verifier: input.verifier,
      deadlineAt: deadline,
      maxAttempts: input.max_attempts ?? deps.config.maxAttempts,
    })
    .returning();
  return view(deps, row as MarketJobRow, "poster");
}

export async function getJob(deps: MarketDeps, userId: string, jobId: string): Promise<TJob> {
  const job = await requireJobOf(deps.db, jobId, userId);
  return view(deps, job, job.role);
}

/** GET /api/jobs: the caller's jobs as poster and as worker, newest first. */
export async function listJobs(deps: MarketDeps, userId: string, input: { limit: number; cursor?: CursorPosition | undefined; role?: Role | undefined; status?: JobStatus | undefined }) {
  const mine =
    input.role === "poster" ? eq(marketJobs.posterId, userId) : input.role === "worker" ? eq(marketJobs.workerUserId, userId) : or(eq(marketJobs.posterId, userId), eq(marketJobs.workerUserId, userId));
  const page = await pageByCursor(
    deps.db,
    { table: marketJobs, createdAt: marketJobs.createdAt, id: marketJobs.id, where: and(mine, input.status ? eq(marketJobs.status, input.status) : undefined) },
    { limit: input.limit, after: input.cursor },
  );
  return { jobs: page.items.map((row) => view(deps, row, row.posterId === userId ? "poster" : "worker")), next_cursor: page.nextCursor };
}

/** POST /api/jobs/:id/pay: escrow the price (a pending ledger transfer) and open the job, in one transaction; 402 with the shortfall. */
export async function payJob(deps: MarketDeps, userId: string, jobId: string): Promise<TJob> {
  const current = await findJob(deps.db, jobId);
  if (current && current.posterId === userId && current.status === "pending_payment" && current.deadlineAt && current.deadlineAt.getTime() <= Date.now()) {
    throw new AppError("BAD_REQUEST", "The job's deadline has passed; post it again with a later one");
  }
  const row = await deps.db.transaction(async (tx) => {
    const opened = await applyStep(tx, { jobId, step: "pay", to: "open", actorId: userId, set: { openedAt: new Date() } });
    const escrow = await escrowJob(tx, deps.ledger, opened);
    const [paid] = await tx.update(marketJobs).set({ escrowTransferId: escrow.id }).where(eq(marketJobs.id, jobId)).returning();
    return paid as MarketJobRow;
  });
  return view(deps, row, "poster");
}

/** POST /api/jobs/:id/cancel: while nobody holds the job; a paid job's escrow is voided (refunded) in the same transaction. */
export async function cancelJob(deps: MarketDeps, userId: string, jobId: string): Promise<TJob> {
  const { row, events } = await withEvents(deps, jobId, async (tx, log) => {
    const cancelled = await applyStep(tx, { jobId, step: "cancel", to: "cancelled", actorId: userId, set: { completedAt: new Date(), failReason: "cancelled by the poster" } });
    await refundJob(tx, deps.ledger, cancelled);
    await log(tx, "status", "cancelled by the poster; escrow refunded", { status: "cancelled" });
    return cancelled;
  });
  await publishJobLog(deps.bus, events);
  return view(deps, row, "poster");
}

/**
 * POST /api/jobs/pull: the best open job the agent can do (all required capabilities, highest
 * price, then oldest) is held for it in one statement; `FOR UPDATE SKIP LOCKED` lets concurrent
 * pullers pass over each other's rows, so no two get the same job. Under READ COMMITTED a row
 * another puller took between this statement's snapshot and its lock fails the recheck and the
 * LIMIT 1 comes back empty though other jobs are open; then, while a matching job is still open,
 * the pull is tried again (PULL_RETRIES times at most).
 */
export async function pullJob(deps: MarketDeps, userId: string, input: { agent_id?: string | undefined; min_price_cents?: number | undefined }): Promise<TJob | null> {
  const agent = await requireWorkerAgent(deps.db, userId, input.agent_id);
  const capabilities = JSON.stringify(agent.capabilities);
  const matching = and(
    eq(marketJobs.status, "open"),
    sql`${marketJobs.posterId} <> ${userId}`,
    sql`${marketJobs.capabilities} <@ ${capabilities}::text::jsonb`,
    or(isNull(marketJobs.deadlineAt), gt(marketJobs.deadlineAt, sql`now()`)),
    input.min_price_cents !== undefined ? gte(marketJobs.priceCents, BigInt(input.min_price_cents)) : undefined,
  );
  for (let attempt = 0; attempt < PULL_RETRIES; attempt++) {
    const candidate = deps.db
      .select({ id: marketJobs.id })
      .from(marketJobs)
      .where(matching)
      .orderBy(desc(marketJobs.priceCents), asc(marketJobs.createdAt))
      .limit(1)
      .for("update", { skipLocked: true });
    // One statement: the state machine's `hold` step on whichever row the subquery locked, and the
    // attempt row, so the lock lasts one round trip. `= (subquery)` is a scalar InitPlan run once
    // (with `IN`, PostgreSQL may rescan the subquery per row of a join and hold several jobs).
    const result = await deps.db.execute(sql`
      with picked as (
        update ${marketJobs}
        set status = ${JOB_STEPS.hold.to[0]}, worker_user_id = ${userId}, worker_agent_id = ${agent.id},
            held_until = now() + make_interval(secs => ${deps.config.holdSeconds}), updated_at = now()
        where ${marketJobs.id} = (${candidate}) and ${inArray(marketJobs.status, [...JOB_STEPS.hold.from])}
        returning ${marketJobs.id} as id
      ), attempt as (
        insert into ${jobAttempts} (id, job_id, agent_id, user_id)
        select ${newId(ID_PREFIX.jobAttempt)}, picked.id, ${agent.id}, ${userId} from picked
      )
      select id from picked`);
    const heldId = rowsOf<{ id: string }>(result)[0]?.id;
    const row = heldId ? await findJob(deps.db, heldId) : null;
    if (row) return view(deps, row, "worker");
    const [open] = await deps.db.select({ id: marketJobs.id }).from(marketJobs).where(matching).limit(1);
    if (!open) return null;
  }
  return null;
}

const PULL_RETRIES = 20;

/** Rows of a raw statement: Bun SQL returns them as the result, PGlite under `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];
}

function holdSet(deps: MarketDeps, userId: string, agentId: string) {
  return {
    workerUserId: userId,
    workerAgentId: agentId,
    heldUntil: sql`now() + make_interval(secs => ${deps.config.holdSeconds})`,
  } as const;
}

/** POST /api/jobs/:id/claim: hold one open job for the caller's agent, which must have its capabilities. */
export async function claimJob(deps: MarketDeps, userId: string, input: { id: string; agent_id?: string | undefined }): Promise<TJob> {
  const agent = await requireWorkerAgent(deps.db, userId, input.agent_id);
  const job = await findJob(deps.db, input.id);
  if (job && job.status === "open" && job.posterId !== userId) {
    const has = new Set(agent.capabilities as string[]);
    const missing = (job.capabilities as string[]).filter((capability) => !has.has(capability));
    if (missing.length > 0) throw new AppError("FORBIDDEN", `Agent ${agent.name} lacks the job's required capabilities: ${missing.join(", ")}`);
    if (job.deadlineAt && job.deadlineAt.getTime() <= Date.now()) throw new AppError("BAD_REQUEST", "The job's deadline has passed");
  }
  const row = await deps.db.transaction(async (tx) => {
    const held = await applyStep(tx, { jobId: input.id, step: "hold", to: "held", actorId: userId, set: holdSet(deps, userId, agent.id) });
    await startAttempt(tx, { jobId: held.id, agentId: agent.id, userId });
    return held;
  });
  return view(deps, row, "worker");
}

/** POST /api/jobs/:id/accept: the worker commits to the held job (the hold no longer lapses; the deadline still applies). */
export async function acceptJob(deps: MarketDeps, userId: string, jobId: string): Promise<TJob> {
  const row = await deps.db.transaction(async (tx) => {
    const accepted = await applyStep(tx, { jobId, step: "accept", to: "accepted", actorId: userId, set: { acceptedAt: new Date(), heldUntil: null } });
    await markAttempt(tx, jobId, "accepted");
    return accepted;
  });
  return view(deps, row, "worker");
}

/** POST /api/jobs/:id/reject: the held job goes back on the board (no attempt counted). */
export async function rejectJob(deps: MarketDeps, userId: string, jobId: string): Promise<TJob> {
  const row = await deps.db.transaction(async (tx) => {
    const released = await applyStep(tx, { jobId, step: "reject", to: "open", actorId: userId, set: releaseSet() });
    await markAttempt(tx, jobId, "rejected");
    return released;
  });
  // The worker let it go: they see it as anyone on the board does from now on.
  return view(deps, { ...row, input: null }, "worker");
}

function releaseSet() {
  return { workerUserId: null, workerAgentId: null, heldUntil: null, acceptedAt: null, output: null } as const;
}

/** POST /api/jobs/:id/submit: the output is kept and its verification queued, in one transaction. */
export async function submitJob(deps: MarketDeps, userId: string, input: { id: string; output: unknown }): Promise<TJob> {
  const { row, events } = await withEvents(deps, input.id, async (tx, log) => {
    const submitted = await applyStep(tx, { jobId: input.id, step: "submit", to: "submitted", actorId: userId, set: { output: input.output, submittedAt: new Date() } });
    await markAttempt(tx, input.id, "submitted");
    await deps.queue.enqueue({ queue: VERIFY_QUEUE, key: verifyJobKey(submitted), payload: { jobId: submitted.id, attempt: submitted.attempts }, maxAttempts: 3 }, tx);
    await log(tx, "status", `output submitted (attempt ${submitted.attempts + 1} of ${submitted.maxAttempts}); verification queued`, { status: "submitted" });
    return submitted;
  });
  deps.queue.wake(VERIFY_QUEUE);
  await publishJobLog(deps.bus, events);
  return view(deps, row, "worker");
}

/** POST /api/jobs/:id/fail: the worker gives up; the attempt counts, and the last one fails the job and refunds the poster. */
export async function failJob(deps: MarketDeps, userId: string, input: { id: string; reason?: string | undefined }): Promise<TJob> {
  const { row, events } = await withEvents(deps, input.id, async (tx, log) => {
    const locked = await lockJob(tx, input.id);
    const agentId = locked?.workerUserId === userId ? locked.workerAgentId : null;
    const reason = input.reason ? `the worker gave up: ${input.reason}` : "the worker gave up";
    const ended = await countAttempt(deps, tx, log, { jobId: input.id, step: "fail", actorId: userId, attempts: locked?.attempts ?? 0, maxAttempts: locked?.maxAttempts ?? 1, reason });
    await markAttempt(tx, input.id, "gave_up");
    if (agentId) await recordAgentOutcome(tx, agentId, { done: false });
    return ended;
  });
  await publishJobLog(deps.bus, events);
  return view(deps, { ...row, input: row.status === "failed" ? row.input : null }, "worker");
}

/**
 * The verifier's verdict on attempt `attempt`, applied once: pass → done and paid out (escrow
 * posted, worker paid price − fee, fee to the platform) in one transaction; fail → the attempt
 * counts, and the job reopens or, at the last one, fails with the escrow refunded. A verdict for
 * a submission that is no longer current (already settled, by a retry or another process) is ignored.
 */
export async function settleVerification(deps: MarketDeps, input: { jobId: string; attempt: number; passed: boolean; reason: string }): Promise<"settled" | "stale"> {
  const result = await withEvents(deps, input.jobId, async (tx, log) => {
    const job = await lockJob(tx, input.jobId);
    if (!job || job.status !== "submitted" || job.attempts !== input.attempt || !job.workerUserId) return null;
    const agentId = job.workerAgentId;
    if (input.passed) {
      const done = await applyStep(tx, { jobId: job.id, step: "pass", to: "done", where: eq(marketJobs.attempts, input.attempt), set: { completedAt: new Date() } });
      await payOutJob(tx, deps.ledger, { ...done, workerUserId: job.workerUserId });
      await markAttempt(tx, job.id, "passed");
      if (agentId) await recordAgentOutcome(tx, agentId, { done: true, earnedCents: done.priceCents - done.feeCents });
      await log(tx, "verdict", "verdict: pass", { passed: true });
      await log(tx, "status", `done: ${done.priceCents - done.feeCents} cents paid to the worker (fee ${done.feeCents})`, { status: "done" });
      return done;
    }
    await log(tx, "verdict", `verdict: fail (${input.reason})`, { passed: false });
    const ended = await countAttempt(deps, tx, log, { jobId: job.id, step: "refuse", attempts: job.attempts, maxAttempts: job.maxAttempts, reason: `verification failed: ${input.reason}` });
    await markAttempt(tx, job.id, "failed");
    if (agentId) await recordAgentOutcome(tx, agentId, { done: false });
    return ended;
  });
  await publishJobLog(deps.bus, result.events);
  return result.row ? "settled" : "stale";
}

/** One counted attempt: back on the board, or at the last one failed with the escrow refunded. */
async function countAttempt(
  deps: MarketDeps,
  tx: DbOrTx,
  log: LogInTx,
  input: { jobId: string; step: "fail" | "refuse"; actorId?: string; attempts: number; maxAttempts: number; reason: string },
): Promise<MarketJobRow> {
  const attempts = input.attempts + 1;
  const last = attempts >= input.maxAttempts;
  const row = await applyStep(tx, {
    jobId: input.jobId,
    step: input.step,
    to: last ? "failed" : "open",
    ...(input.actorId ? { actorId: input.actorId } : {}),
    where: eq(marketJobs.attempts, input.attempts),
    set: last
      ? { attempts, heldUntil: null, completedAt: new Date(), failReason: `${input.reason}; no attempts left` }
      : { ...releaseSet(), attempts, failReason: input.reason },
  });
  if (last) {
    await refundJob(tx, deps.ledger, row);
    await log(tx, "status", `failed after ${attempts} attempts (${input.reason}); escrow refunded`, { status: "failed" });
  } else {
    await log(tx, "status", `back on the board after attempt ${attempts} of ${input.maxAttempts} (${input.reason})`, { status: "open" });
  }
  return row;
}

/** Locks the job row for a step whose outcome depends on it (attempts), so concurrent steps queue up. */
export async function lockJob(tx: DbOrTx, jobId: string): Promise<MarketJobRow | null> {
  const [row] = await tx.select().from(marketJobs).where(eq(marketJobs.id, jobId)).for("update").limit(1);
  return row ?? null;
}

type LogInTx = (tx: DbOrTx, type: JobLogEvent["type"], line: string, data?: Record<string, unknown>) => Promise<void>;

/** Runs `work` in a transaction; the job's log lines it writes are returned for publishing once it committed. */
export async function withEvents<T>(deps: Pick<MarketDeps, "db">, jobId: string, work: (tx: DbOrTx, log: LogInTx) => Promise<T>): Promise<{ row: T; events: JobLogEvent[] }> {
  let events: JobLogEvent[] = [];
  const row = await deps.db.transaction(async (tx) => {
    events = [];
    return work(tx, async (inner, type, line, data) => {
      events.push(await appendJobLog(inner, jobId, type, line, data ?? null));
    });
  });
  return { row, events };
}
