import type { DbOrTx } from "../../../db/connection.ts";
import type { QueueJobRow, QueueJobStatus } from "../../../db/schema/work-queue.ts";

export type { QueueJobStatus };

/** A job row as stored; `payload` and `result` are whatever JSON was written. */
export type QueueJob = QueueJobRow;

export interface EnqueueInput<P> {
  queue: string;
  /** Idempotency key within the queue: a second enqueue with it returns the first job, unchanged. */
  key: string;
  /** Must survive JSON.stringify (no bigint, no cycles). */
  payload: P;
  /** Claims allowed before the job is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Not before this time (default: now). */
  runAt?: Date;
}

export interface EnqueueResult {
  id: string;
  /** False when a job with this queue + key already existed; `id` is then the existing job's. */
  created: boolean;
}

/** What a handler receives for one attempt. */
export interface JobContext<P> {
  id: string;
  queue: string;
  key: string;
  payload: P;
  /** 1 on the first run; counts every claim, including ones whose worker was lost. */
  attempt: number;
  maxAttempts: number;
  /**
   * Aborted just before this attempt's lease runs out (another worker may then take the job) or
   * when the worker gives up waiting during stop. Pass it to fetch, timers and child work.
   */
  signal: AbortSignal;
  /**
   * Pushes the lease out to `ms` from now (database clock; default: the worker's visibilityMs).
   * False when the lease was already lost — stop working, the outcome will be discarded.
   */
  extendLease(ms?: number): Promise<boolean>;
}

/** The resolved value is stored as the job's `result` (JSON); a throw or rejection is a failure. */
export type JobHandler<P> = (job: JobContext<P>) => Promise<unknown>;

export interface WorkOptions {
  /** Handlers run at once by this worker (default 1). */
  concurrency?: number;
  /**
   * Lease length: a job whose worker has not finished it this long after the claim is given to
   * another worker (default 60 s). Keep it above the longest handler, or call `extendLease`.
   */
  visibilityMs?: number;
  /** Idle poll interval (default: the queue's pollMs). `wake` and local retries cut it short. */
  pollMs?: number;
}

export interface Worker {
  readonly queue: string;
  /** In-flight handlers right now. */
  readonly running: number;
  /**
   * Stops claiming, then waits up to `timeoutMs` (default 10 s) for in-flight handlers. Handlers
   * still running are then aborted (their signal) and given the same time again, at most 1 s, to
   * record the outcome (an aborted handler that throws counts as a failed attempt); any that
   * ignore the signal are left to the visibility timeout.
   */
  stop(timeoutMs?: number): Promise<void>;
}

export interface WorkQueue {
  /** Pass `db` to enqueue inside your own transaction; then call `wake` after it commits. */
  enqueue<P>(input: EnqueueInput<P>, db?: DbOrTx): Promise<EnqueueResult>;
  get(id: string): Promise<QueueJob | null>;
  work<P>(queue: string, handler: JobHandler<P>, options?: WorkOptions): Worker;
  /** Nudges this process's workers on `queue` to poll now instead of at their next interval. */
  wake(queue: string): void;
  /** Stops every worker started by this instance (see `Worker.stop`). */
  stop(timeoutMs?: number): Promise<void>;
}

export interface BackoffOptions {
  /** Delay scale after the first failure. */
  baseMs: number;
  /** Cap on any single delay. */
  maxMs: number;
}
