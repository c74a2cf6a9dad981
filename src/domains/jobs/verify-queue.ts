import type { MarketJobRow } from "../../../db/schema/index.ts";

/** The durable queue that runs submitted outputs' verifiers. */
export const VERIFY_QUEUE = "market.verify";

/** One verification per submission: a job is submitted at most once per counted attempt. */
export function verifyJobKey(job: Pick<MarketJobRow, "id" | "attempts">): string {
  return `${job.id}:${job.attempts}`;
}

export interface VerifyPayload {
  jobId: string;
  /** The job's `attempts` when it was submitted: a verdict for another submission is stale. */
  attempt: number;
}
