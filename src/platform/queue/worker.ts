import type { Db } from "../../../db/connection.ts";
import { scrubLogText, type Logger } from "../logger.ts";
import { retryDelayMs } from "./backoff.ts";
import { claimJobs, type ClaimResult } from "./claim.ts";
import { completeJob, deadLetterJob, extendLease, releaseJob, retryJob, type Lease } from "./lease.ts";
import type { BackoffOptions, JobContext, JobHandler, QueueJob, Worker } from "./types.ts";
import { settlesWithin, Waiter } from "./wait.ts";

export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/** After the stop timeout aborts the handlers, how long they get to record their outcome. */
const ABORT_GRACE_MS = 1_000;
const MAX_CLAIM_ERROR_DELAY_MS = 30_000;
/** How much earlier than the lease (at most a tenth of it) the handler's signal is aborted. */
const LEASE_ABORT_MARGIN_MS = 1_000;
const MAX_ERROR_LENGTH = 2_000;

export interface WorkerConfig<P> {
  db: Db;
  logger: Logger;
  workerId: string;
  backoff: BackoffOptions;
  queue: string;
  handler: JobHandler<P>;
  concurrency: number;
  visibilityMs: number;
  pollMs: number;
  /** Called once the worker has stopped, so the owning queue can forget it. */
  onStopped(): void;
}

/** A worker as its queue sees it: the public handle plus the local wake-up. */
export interface LocalWorker extends Worker {
  wake(): void;
}

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One claim loop for one queue: claims while it has free slots, runs handlers, records outcomes. */
export function startWorker<P>(config: WorkerConfig<P>): LocalWorker {
  const { db, queue, workerId } = config;
  const logger = config.logger.child({ component: "queue", queue, workerId });
  const waiter = new Waiter();
  const inflight = new Set<InFlight>();
  const retryTimers = new Set<ReturnType<typeof setTimeout>>();
  let stopping = false;
  let stopped: Promise<void> | undefined;

  const loop = (async () => {
    let claimFailures = 0;
    while (!stopping) {
      const free = config.concurrency - inflight.size;
      if (free <= 0) {
        await waiter.wait(config.pollMs);
        continue;
      }
      let claim: ClaimResult;
      // The database starts the lease after this moment, so a local deadline measured from here
      // (less a margin for timer lateness) ends before the real one: handlers hear about expiry
      // before anyone can take over.
      const claimedAt = performance.now();
      try {
        claim = await claimJobs(db, { queue, workerId, limit: free, visibilityMs: config.visibilityMs });
        claimFailures = 0;
      } catch (error) {
        claimFailures += 1;
        logger.error("queue claim failed", { error, claimFailures });
        await waiter.wait(Math.min(MAX_CLAIM_ERROR_DELAY_MS, config.pollMs * 2 ** claimFailures));
        continue;
      }
      for (const jobId of claim.exhausted) {
        logger.error("queue job dead-lettered: its lease expired on the final attempt", { jobId });
      }
      if (stopping) {
        await Promise.all(claim.claimed.map(release));
        break;
      }
      for (const job of claim.claimed) run(job, claimedAt);
      // A full batch means there may be more due: go straight round (the slot check waits).
      if (claim.claimed.length + claim.exhausted.length < free) await waiter.wait(config.pollMs);
    }
  })().catch((error: unknown) => {
    // Not expected (claim errors are handled above); logged so a bug cannot fail silently.
    stopping = true;
    logger.error("queue worker loop crashed; worker stopped", { error });
  });

  function run(job: QueueJob, claimedAt: number): void {
    const lease: Lease = { jobId: job.id, workerId, attempt: job.attempts };
    const controller = new AbortController();
    // Local mirror of the database lease: tells the handler when another worker may take over.
    const armLease = (leaseMs: number, askedAt: number) =>
      setTimeout(
        () => controller.abort(new DOMException(`lease on ${job.id} expired`, "TimeoutError")),
        leaseMs - Math.min(LEASE_ABORT_MARGIN_MS, leaseMs / 10) - (performance.now() - askedAt),
      );
    let leaseTimer = armLease(config.visibilityMs, claimedAt);
    const context: JobContext<P> = {
      id: job.id,
      queue,
      key: job.key,
      payload: job.payload as P,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      signal: controller.signal,
      extendLease: async (ms = config.visibilityMs) => {
        if (!Number.isFinite(ms) || ms <= 0) throw new RangeError("lease must be a positive number of ms");
        const askedAt = performance.now();
        const extended = await extendLease(db, lease, ms);
        if (extended && !controller.signal.aborted) {
          clearTimeout(leaseTimer);
          leaseTimer = armLease(ms, askedAt);
        }
        return extended;
      },
    };
    const entry: InFlight = { controller, done: Promise.resolve() };
    entry.done = (async () => {
      let outcome: Outcome;
      try {
        outcome = { ok: true, value: await config.handler(context) };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        clearTimeout(leaseTimer);
      }
      await settle(job, lease, outcome);
    })().finally(() => {
      inflight.delete(entry);
      waiter.notify();
    });
    inflight.add(entry);
  }

  async function settle(job: QueueJob, lease: Lease, outcome: Outcome): Promise<void> {
    const fields = { jobId: job.id, key: job.key, attempt: lease.attempt };
    try {
      if (outcome.ok) {
        const problem = jsonProblem(outcome.value);
        if (problem) outcome = { ok: false, error: new Error(`handler result is not JSON: ${problem}`) };
      }
      if (outcome.ok) {
        if (await completeJob(db, lease, outcome.value)) logger.debug("queue job done", fields);
        else logger.warn("queue job lease lost before completion; result discarded", fields);
        return;
      }
      const error = errorMessage(outcome.error);
      if (lease.attempt >= job.maxAttempts) {
        if (await deadLetterJob(db, lease, error)) logger.error("queue job dead-lettered", { ...fields, error });
        else logger.warn("queue job lease lost before failure was recorded", { ...fields, error });
        return;
      }
      const delayMs = retryDelayMs(lease.attempt, config.backoff);
      if (await retryJob(db, lease, error, delayMs)) {
        logger.warn("queue job failed; will retry", { ...fields, delayMs, error });
        wakeAfter(delayMs);
      } else {
        logger.warn("queue job lease lost before failure was recorded", { ...fields, error });
      }
    } catch (error) {
      logger.error("queue job outcome not recorded; it runs again when its lease expires", { ...fields, error });
    }
  }

  async function release(job: QueueJob): Promise<void> {
    try {
      await releaseJob(db, { jobId: job.id, workerId, attempt: job.attempts });
    } catch (error) {
      logger.error("queue job not released; it runs again when its lease expires", { jobId: job.id, error });
    }
  }

  /** So a retry runs when due rather than at the next poll. Other processes still rely on polling. */
  function wakeAfter(delayMs: number): void {
    if (stopping) return;
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      waiter.notify();
    }, delayMs + 5);
    retryTimers.add(timer);
  }

  async function stopWorker(timeoutMs: number): Promise<void> {
    stopping = true;
    waiter.notify();
    for (const timer of retryTimers) clearTimeout(timer);
    retryTimers.clear();
    // The loop ends after its current claim; after that no handler starts, so the set is final.
    const drained = await settlesWithin(
      loop.then(() => Promise.allSettled([...inflight].map((entry) => entry.done))),
      timeoutMs,
    );
    if (!drained && inflight.size > 0) {
      logger.warn("queue worker stop timed out; aborting in-flight handlers", { running: inflight.size });
      for (const entry of inflight) entry.controller.abort(new DOMException("worker stopping", "AbortError"));
      const settled = await settlesWithin(
        Promise.allSettled([...inflight].map((entry) => entry.done)),
        Math.min(ABORT_GRACE_MS, Math.max(timeoutMs, 50)),
      );
      if (!settled) {
        logger.warn("queue handlers ignored abort; their jobs are retried after the visibility timeout", {
          running: inflight.size,
        });
      }
    }
    config.onStopped();
  }

  return {
    queue,
    get running() {
      return inflight.size;
    },
    wake: () => waiter.notify(),
    stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS) {
      stopped ??= stopWorker(timeoutMs);
      return stopped;
    },
  };
}

function jsonProblem(value: unknown): string | undefined {
  try {
    JSON.stringify(value);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** A failed job's error as stored on the job: without a failed query's parameters, as in the log. */
function errorMessage(error: unknown): string {
  const text = scrubLogText(
    error instanceof Error
      ? error.name && error.name !== "Error"
        ? `${error.name}: ${error.message}`
        : error.message
      : String(error),
  );
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
