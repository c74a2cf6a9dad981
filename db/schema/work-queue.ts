import { sql } from "drizzle-orm";
import { jsonValue } from "./columns.ts";
import { index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const QUEUE_JOB_STATUSES = ["pending", "running", "done", "dead"] as const;
export type QueueJobStatus = (typeof QUEUE_JOB_STATUSES)[number];

/**
 * The durable work queue: one row per job, claimed with FOR UPDATE SKIP LOCKED.
 *
 * A job is claimable when it is `pending` and `run_at` has passed, or `running` and its lease
 * (`locked_until`) has passed — its worker is presumed dead. `attempts` counts claims; together
 * with `locked_by` it is the lease's fencing token, so a worker whose lease was taken over cannot
 * write its late outcome over the new owner's.
 */
export const queueJobs = pgTable(
  "queue_jobs",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    /** Idempotency key: enqueueing the same key twice yields the same job. */
    key: text("key").notNull(),
    payload: jsonValue("payload").notNull(),
    status: text("status", { enum: QUEUE_JOB_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    /** Earliest time (database clock) a pending job may be claimed; moved forward by retry backoff. */
    runAt: timestamp("run_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** Lease expiry of a running job (database clock). */
    lockedUntil: timestamp("locked_until", { withTimezone: true, mode: "date" }),
    /** Worker holding (or, once finished, last holding) the job. */
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    result: jsonValue("result"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("queue_jobs_queue_key_uq").on(t.queue, t.key),
    // One partial index per claim branch; the claim's OR becomes a BitmapOr over both.
    index("queue_jobs_ready_idx").on(t.queue, t.runAt).where(sql`${t.status} = 'pending'`),
    index("queue_jobs_lease_idx").on(t.queue, t.lockedUntil).where(sql`${t.status} = 'running'`),
  ],
);

export type QueueJobRow = typeof queueJobs.$inferSelect;
