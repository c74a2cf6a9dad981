import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { queueJobs } from "../../../db/schema/work-queue.ts";
import { AppError } from "../errors.ts";
import { newId } from "../ids.ts";
import { jsonb } from "./sql.ts";
import type { EnqueueInput, EnqueueResult } from "./types.ts";

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Inserts the job unless its queue + key exists. ON CONFLICT DO NOTHING waits for a concurrent
 * uncommitted insert of the same key, so racing callers still end up with one job.
 */
export async function enqueueJob<P>(db: DbOrTx, input: EnqueueInput<P>): Promise<EnqueueResult> {
  validate(input);
  const id = newId("job");
  const inserted = await db
    .insert(queueJobs)
    .values({
      id,
      queue: input.queue,
      key: input.key,
      payload: jsonb(input.payload),
      maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      ...(input.runAt ? { runAt: input.runAt } : {}),
    })
    .onConflictDoNothing({ target: [queueJobs.queue, queueJobs.key] })
    .returning({ id: queueJobs.id });
  if (inserted.length > 0) return { id, created: true };

  const [existing] = await db
    .select({ id: queueJobs.id })
    .from(queueJobs)
    .where(and(eq(queueJobs.queue, input.queue), eq(queueJobs.key, input.key)))
    .limit(1);
  // Only reachable under REPEATABLE READ, when the conflicting row committed after our snapshot.
  if (!existing) throw new AppError("CONFLICT", `job ${input.queue}/${input.key} is being enqueued concurrently`);
  return { id: existing.id, created: false };
}

function validate<P>(input: EnqueueInput<P>): void {
  const details: Record<string, string> = {};
  if (!input.queue) details.queue = "must not be empty";
  if (!input.key) details.key = "must not be empty";
  if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1)) {
    details.maxAttempts = "must be an integer of at least 1";
  }
  if (input.runAt !== undefined && Number.isNaN(input.runAt.getTime())) details.runAt = "must be a valid date";
  if (input.payload === undefined) details.payload = "is required";
  if (Object.keys(details).length > 0) throw new AppError("VALIDATION", "invalid job", details);
}
