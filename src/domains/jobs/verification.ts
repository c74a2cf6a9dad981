import type { Logger } from "../../platform/logger.ts";
import { messageOf } from "../../platform/errors.ts";
import { commandSandbox, runVerifier, type TVerifierSpec } from "../verify/index.ts";
import type { MarketDeps } from "./deps.ts";
import { logJob } from "./logs.ts";
import { findJob } from "./records.ts";
import { settleVerification } from "./service.ts";
import type { VerifyPayload } from "./verify-queue.ts";

/**
 * One verification run, from the queue (at least once: a crashed run is run again after its lease,
 * and settleVerification applies one verdict per submission only). Each step is a log line, live
 * on the job's log stream. A verifier that throws (the engine is down) is retried by the queue; on
 * the queue's last attempt the submission is judged failed rather than left hanging.
 */
export async function verifySubmission(deps: MarketDeps, logger: Logger, job: { payload: VerifyPayload; attempt: number; maxAttempts: number }): Promise<string> {
  const { jobId, attempt } = job.payload;
  const row = await findJob(deps.db, jobId);
  if (!row || row.status !== "submitted" || row.attempts !== attempt) return "stale";
  const log = async (line: string) => {
    await logJob(deps, jobId, "log", line);
  };
  await log(`verification started (${(row.verifier as TVerifierSpec).type})`);
  let passed: boolean;
  let reason: string;
  try {
    passed = await runVerifier(row.verifier as TVerifierSpec, row.output, commandSandbox(deps.containers, deps.config.verifier), log);
    reason = passed ? "passed" : "the output did not pass the verifier";
  } catch (error) {
    logger.warn("job verification could not run", { jobId, attempt: job.attempt, error: messageOf(error) });
    await log(`the verifier could not run: ${messageOf(error).slice(0, 300)}`);
    if (job.attempt < job.maxAttempts) throw error;
    passed = false;
    reason = "the verifier could not run";
  }
  return settleVerification(deps, { jobId, attempt, passed, reason });
}
