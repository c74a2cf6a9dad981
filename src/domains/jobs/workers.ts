import type { Services } from "../../platform/services.ts";
import { marketDeps } from "./deps.ts";
import { reconcileJobs } from "./reconciler.ts";
import { verifySubmission } from "./verification.ts";
import { VERIFY_QUEUE, type VerifyPayload } from "./verify-queue.ts";

/** The jobs domain's background work: the verification queue and the reconciler. */
export function startJobWorkers(services: Services) {
  const { logger } = services;
  const config = services.config.jobs;
  const verify = services.queue.work<VerifyPayload>(VERIFY_QUEUE, (job) => verifySubmission(marketDeps(services), logger, job), {
    concurrency: 4,
    // Longer than the slowest verifier (a command's time limit, an image pull): a crashed run resumes after it.
    visibilityMs: (config.verifier.timeoutS + 15) * 1000,
  });
  const reconcile = () =>
    reconcileJobs(marketDeps(services), logger).catch((error: unknown) => logger.error("jobs reconciler failed", { error: error instanceof Error ? error : String(error) }));
  const first = reconcile();
  const timer = setInterval(reconcile, config.reconcileMs);
  timer.unref?.();
  return {
    reconcile,
    async stop() {
      clearInterval(timer);
      await first;
      await verify.stop();
    },
  };
}
