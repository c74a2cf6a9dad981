import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { jobLogLines } from "../../../db/schema/index.ts";
import type { EventBus } from "../../platform/events/types.ts";

/**
 * A job's log: verification lines and status changes, numbered per job. The table is the truth
 * (replays read it); the bus only says when to look again. `status` events carry the job's new
 * status; one naming a final status (done, failed, cancelled) ends the stream.
 */
export const JOB_LOG_TYPES = ["log", "verdict", "status"] as const;
export type JobLogType = (typeof JOB_LOG_TYPES)[number];
const FINAL = new Set(["done", "failed", "cancelled"]);

export interface JobLogEvent {
  id: string;
  type: JobLogType;
  job_id: string;
  line: string;
  at: string;
  data: Record<string, unknown> | null;
}

const GAP_CHECK_MS = 2_000;
const RECHECK_MS = 15_000;

export const jobTopic = (jobId: string) => `market-job:${jobId}`;

export function isFinalEvent(event: JobLogEvent): boolean {
  return event.type === "status" && FINAL.has(String(event.data?.status));
}

/**
 * Appends the next numbered line. Inside a transaction, publish the returned events with
 * `publishJobLog` after it commits (a reader must never see a line that then rolls back).
 */
export async function appendJobLog(db: DbOrTx, jobId: string, type: JobLogType, line: string, data: Record<string, unknown> | null = null): Promise<JobLogEvent> {
  for (let attempt = 0; ; attempt++) {
    try {
      const [row] = await db
        .insert(jobLogLines)
        .values({
          jobId,
          seq: sql`(select coalesce(max(${jobLogLines.seq}), 0) + 1 from ${jobLogLines} where ${jobLogLines.jobId} = ${jobId})`,
          type,
          line: line.slice(0, 4_000),
          data,
        })
        .returning();
      return toEvent(row as typeof jobLogLines.$inferSelect);
    } catch (error) {
      // Two writers raced for the same number: take the next one.
      if (attempt < 5 && /duplicate key|unique/i.test(String((error as Error).message ?? error))) continue;
      throw error;
    }
  }
}

export async function publishJobLog(bus: EventBus, events: JobLogEvent[]): Promise<void> {
  for (const event of events) await bus.publish(jobTopic(event.job_id), event);
}

/** Appends and publishes at once (outside a transaction). */
export async function logJob(deps: { db: DbOrTx; bus: EventBus }, jobId: string, type: JobLogType, line: string, data: Record<string, unknown> | null = null) {
  const event = await appendJobLog(deps.db, jobId, type, line, data);
  await publishJobLog(deps.bus, [event]);
  return event;
}

export async function listJobLog(db: DbOrTx, jobId: string, afterSeq = 0): Promise<JobLogEvent[]> {
  const rows = await db
    .select()
    .from(jobLogLines)
    .where(and(eq(jobLogLines.jobId, jobId), gt(jobLogLines.seq, afterSeq)))
    .orderBy(asc(jobLogLines.seq));
  return rows.map(toEvent);
}

/**
 * History after `afterSeq`, then live lines, without gaps or repeats (the live subscription opens
 * before the history is read; anything replayed is skipped by number). Ends after a final status,
 * when `isFinished` says the job ended without one in the log, or when `signal` aborts.
 */
export async function* streamJobLog(deps: {
  db: DbOrTx;
  bus: EventBus;
  jobId: string;
  afterSeq: number;
  signal: AbortSignal;
  isFinished: () => Promise<boolean>;
}): AsyncGenerator<JobLogEvent> {
  const live = deps.bus.stream(jobTopic(deps.jobId), deps.signal);
  let last = deps.afterSeq;
  const fromTable = async function* () {
    for (const event of await listJobLog(deps.db, deps.jobId, last)) {
      if (Number(event.id) <= last) continue;
      last = Number(event.id);
      yield event;
      if (isFinalEvent(event)) return true;
    }
    return false;
  };
  try {
    await live.ready;
    if (yield* fromTable()) return;
    // Finished: whatever the final transaction wrote is in the table by now.
    if (await deps.isFinished()) return void (yield* fromTable());
    let pending: Promise<IteratorResult<unknown>> | undefined;
    let resubscriptions = deps.bus.resubscriptions;
    let lastRead = Date.now();
    while (!deps.signal.aborted) {
      pending ??= live.next();
      const next = await Promise.race([pending, Bun.sleep(GAP_CHECK_MS).then(() => null)]);
      if (next === null) {
        if (deps.bus.resubscriptions === resubscriptions && Date.now() - lastRead < RECHECK_MS) continue;
        resubscriptions = deps.bus.resubscriptions;
        lastRead = Date.now();
        if (yield* fromTable()) return;
        if (await deps.isFinished()) return void (yield* fromTable());
        continue;
      }
      lastRead = Date.now();
      pending = undefined;
      if (next.done) return;
      const event = next.value as JobLogEvent;
      if (Number(event.id) <= last) continue;
      // A gap means this reader missed some: the table has them, in order.
      if (Number(event.id) > last + 1) {
        if (yield* fromTable()) return;
        continue;
      }
      last = Number(event.id);
      yield event;
      if (isFinalEvent(event)) return;
    }
  } finally {
    await live.return();
  }
}

function toEvent(row: typeof jobLogLines.$inferSelect): JobLogEvent {
  return {
    id: String(row.seq),
    type: row.type as JobLogType,
    job_id: row.jobId,
    line: row.line,
    at: row.at.toISOString(),
    data: (row.data as Record<string, unknown> | null) ?? null,
  };
}
