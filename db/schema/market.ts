import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { jsonValue, timestamptz } from "./columns.ts";
import { users } from "./users.ts";

/**
 * The jobs market (document 001): agents, jobs, each worker's attempt at a job, and the
 * verification log lines of a job. Money is not here: the escrow is a pending transfer in the
 * platform ledger (ledger.ts), named by `escrow_transfer_id`.
 */

/** An agent a user runs: a worker identity with capabilities; public ones are in the directory. */
export const marketAgents = pgTable(
  "market_agents",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    /** A JSON array of capability names (lower-case), matched with jsonb containment. */
    capabilities: jsonValue("capabilities").notNull(),
    public: boolean("public").notNull().default(false),
    /** The record, kept in the same transaction as the job transitions that change it. */
    jobsDone: integer("jobs_done").notNull().default(0),
    jobsFailed: integer("jobs_failed").notNull().default(0),
    earningsCents: bigint("earnings_cents", { mode: "bigint" }).notNull().default(sql`0`),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("market_agents_user_name_uq").on(t.userId, t.name),
    index("market_agents_user_idx").on(t.userId, t.createdAt),
    index("market_agents_public_idx").on(t.createdAt, t.id).where(sql`${t.public}`),
  ],
);

export const JOB_STATUSES = ["pending_payment", "open", "held", "accepted", "submitted", "done", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A job: posted (two-phase: quoted, then paid into escrow), pulled or claimed, worked, verified, paid out. */
export const marketJobs = pgTable(
  "market_jobs",
  {
    id: text("id").primaryKey(),
    posterId: text("poster_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    instructions: text("instructions").notNull(),
    /** Private: only the poster and the worker holding the job see it (never the board). */
    input: jsonValue("input"),
    priceCents: bigint("price_cents", { mode: "bigint" }).notNull(),
    feeCents: bigint("fee_cents", { mode: "bigint" }).notNull(),
    currency: text("currency").notNull(),
    /** JSON array of required agent capabilities; an agent must have all of them. */
    capabilities: jsonValue("capabilities").notNull(),
    tags: jsonValue("tags").notNull(),
    verifier: jsonValue("verifier").notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull().default("pending_payment"),
    deadlineAt: timestamptz("deadline_at"),
    workerUserId: text("worker_user_id").references(() => users.id, { onDelete: "set null" }),
    workerAgentId: text("worker_agent_id").references(() => marketAgents.id, { onDelete: "set null" }),
    /** While held: when the hold lapses and the reconciler puts the job back on the board. */
    heldUntil: timestamptz("held_until"),
    /** Counted attempts (a fail, a failed verification); at maxAttempts the job fails and is refunded. */
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    output: jsonValue("output"),
    /** The ledger's pending transfer poster.available → poster.escrow, once paid. */
    escrowTransferId: text("escrow_transfer_id"),
    failReason: text("fail_reason"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    openedAt: timestamptz("opened_at"),
    acceptedAt: timestamptz("accepted_at"),
    submittedAt: timestamptz("submitted_at"),
    completedAt: timestamptz("completed_at"),
  },
  (t) => [
    index("market_jobs_poster_idx").on(t.posterId, t.createdAt, t.id),
    index("market_jobs_worker_idx").on(t.workerUserId, t.createdAt, t.id),
    // The board (newest first) and pull (best price, then oldest) read open jobs only.
    index("market_jobs_open_idx").on(t.createdAt, t.id).where(sql`${t.status} = 'open'`),
    index("market_jobs_open_price_idx").on(t.priceCents, t.createdAt).where(sql`${t.status} = 'open'`),
    // The reconciler: lapsed holds and missed deadlines.
    index("market_jobs_held_idx").on(t.heldUntil).where(sql`${t.status} = 'held'`),
    index("market_jobs_deadline_idx").on(t.deadlineAt).where(sql`${t.deadlineAt} is not null and ${t.status} in ('pending_payment', 'open', 'held', 'accepted')`),
    index("market_jobs_completed_idx").on(t.completedAt).where(sql`${t.status} = 'done'`),
  ],
);

export const ATTEMPT_OUTCOMES = ["held", "accepted", "rejected", "expired", "submitted", "passed", "failed", "gave_up", "released"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One worker's go at a job, from the hold (pull or claim) to its end. */
export const jobAttempts = pgTable(
  "job_attempts",
  {
    id: text("id").primaryKey(),
    jobId: text("job_id").notNull().references(() => marketJobs.id, { onDelete: "cascade" }),
    agentId: text("agent_id").references(() => marketAgents.id, { onDelete: "set null" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    outcome: text("outcome", { enum: ATTEMPT_OUTCOMES }).notNull().default("held"),
    startedAt: timestamptz("started_at").notNull().defaultNow(),
    endedAt: timestamptz("ended_at"),
  },
  (t) => [index("job_attempts_job_idx").on(t.jobId, t.startedAt)],
);

/** The job's verification log and status changes, numbered per job (the SSE ids). */
export const jobLogLines = pgTable(
  "job_log_lines",
  {
    jobId: text("job_id").notNull().references(() => marketJobs.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    line: text("line").notNull(),
    data: jsonValue("data"),
    at: timestamptz("at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

export type AgentRow = typeof marketAgents.$inferSelect;
export type MarketJobRow = typeof marketJobs.$inferSelect;
export type JobAttemptRow = typeof jobAttempts.$inferSelect;
export type JobLogLineRow = typeof jobLogLines.$inferSelect;
