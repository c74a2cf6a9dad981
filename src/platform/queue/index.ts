/**
 * The durable work queue: jobs live in `queue_jobs` in the application database, so enqueueing
 * can share a transaction with the change that caused it, and every replica on the same database
 * shares the queue.
 *
 * Delivery is at least once: a job runs again if its worker dies, hangs past its lease
 * (`visibilityMs`) or cannot record the outcome, so handlers must be idempotent (the job key is a
 * natural idempotency key for their side effects). What the queue guarantees is that a job's final
 * state (`done` + result, or `dead` + last_error) is written once, by the worker holding the
 * current lease.
 *
 * Pieces: enqueue.ts (idempotent insert), claim.ts (leasing with SKIP LOCKED), lease.ts (fenced
 * outcomes), backoff.ts (retry delays), worker.ts (the claim loop and graceful stop).
 */
import { hostname } from "node:os";
import { eq } from "drizzle-orm";
import type { Db, DbOrTx } from "../../../db/connection.ts";
import { queueJobs } from "../../../db/schema/work-queue.ts";
import { AppError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { Logger } from "../logger.ts";
import { DEFAULT_BACKOFF } from "./backoff.ts";
import { enqueueJob } from "./enqueue.ts";
import type { BackoffOptions, EnqueueInput, JobHandler, WorkOptions, WorkQueue } from "./types.ts";
import { startWorker, type LocalWorker } from "./worker.ts";

export type * from "./types.ts";
export { retryDelayMs } from "./backoff.ts";

export interface CreateWorkQueueOptions {
  db: Db;
  logger: Logger;
  /** Written to `locked_by`; default `<host>/<pid>/<random>`. Must differ between processes. */
  workerId?: string;
  /** Default idle poll interval for workers (ms, default 1000). */
  pollMs?: number;
  backoff?: BackoffOptions;
}

const DEFAULT_POLL_MS = 1_000;
const DEFAULT_VISIBILITY_MS = 60_000;

export function createWorkQueue(options: CreateWorkQueueOptions): WorkQueue {
  const { db, logger } = options;
  const workerId = options.workerId ?? `${hostname()}/${process.pid}/${newId("wrk").slice(4, 12)}`;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  requirePositive("pollMs", pollMs);
  requirePositive("backoff.baseMs", backoff.baseMs);
  requirePositive("backoff.maxMs", backoff.maxMs);
  const workers = new Set<LocalWorker>();
  let stopped = false;

  const wake = (queue: string) => {
    for (const worker of workers) if (worker.queue === queue) worker.wake();
  };

  return {
    async enqueue<P>(input: EnqueueInput<P>, tx?: DbOrTx) {
      const result = await enqueueJob(tx ?? db, input);
      // Inside a caller's transaction the row is invisible until commit; the caller wakes then.
      if (result.created && !tx && (!input.runAt || input.runAt.getTime() <= Date.now())) wake(input.queue);
      return result;
    },

    async get(id: string) {
      const [job] = await db.select().from(queueJobs).where(eq(queueJobs.id, id)).limit(1);
      return job ?? null;
    },

    work<P>(queue: string, handler: JobHandler<P>, workOptions: WorkOptions = {}) {
      if (stopped) throw new AppError("UNAVAILABLE", "the work queue has been stopped");
      const concurrency = workOptions.concurrency ?? 1;
      const visibilityMs = workOptions.visibilityMs ?? DEFAULT_VISIBILITY_MS;
      const workerPollMs = workOptions.pollMs ?? pollMs;
      if (!queue) throw new RangeError("queue must not be empty");
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be an integer >= 1");
      requirePositive("visibilityMs", visibilityMs);
      requirePositive("pollMs", workerPollMs);
      const worker: LocalWorker = startWorker<P>({
        db,
        logger,
        workerId,
        backoff,
        queue,
        handler,
        concurrency,
        visibilityMs,
        pollMs: workerPollMs,
        onStopped: () => workers.delete(worker),
      });
      workers.add(worker);
      return worker;
    },

    wake,

    async stop(timeoutMs?: number) {
      stopped = true;
      await Promise.all([...workers].map((worker) => worker.stop(timeoutMs)));
    },
  };
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
}
