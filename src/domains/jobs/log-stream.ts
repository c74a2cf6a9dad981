import type { Services } from "../../platform/services.ts";
import { streamJobLog, type JobLogEvent } from "./logs.ts";
import { findJob, requireJobOf } from "./records.ts";
import { TERMINAL_JOB_STATUSES } from "./state.ts";

/** GET /api/jobs/:id/logs: the poster's or worker's stream; anyone else gets 404 before anything streams. */
export async function openJobLog(
  services: Services,
  input: { userId: string; jobId: string; afterSeq: number; signal: AbortSignal | undefined },
): Promise<AsyncGenerator<JobLogEvent>> {
  await requireJobOf(services.db, input.jobId, input.userId);
  const stop = AbortSignal.any([services.shutdownSignal, ...(input.signal ? [input.signal] : [])]);
  return streamJobLog({
    db: services.db,
    bus: services.bus,
    jobId: input.jobId,
    afterSeq: input.afterSeq,
    signal: stop,
    isFinished: async () => {
      const job = await findJob(services.db, input.jobId);
      return !job || TERMINAL_JOB_STATUSES.has(job.status);
    },
  });
}
