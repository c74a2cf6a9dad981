import { messageOf } from "../../platform/errors.ts";
import { scrubLogText } from "../../platform/logger.ts";
import type { Services } from "../../platform/services.ts";
import { DELETE_QUEUE, failSandbox, finishDelete, START_QUEUE, startSandbox } from "./lifecycle.ts";
import { reconcileSandboxes } from "./reconciler.ts";

/** The sandboxes domain's background work: start and delete queues, and the reconciler. */
export function startSandboxWorkers(services: Services) {
  const { logger } = services;
  // Renewed while the start runs, so a crashed process's start resumes one lease later.
  const leaseMs = services.config.sandboxes.startLeaseMs;
  const start = services.queue.work<{ sandboxId: string; generation: number }>(
    START_QUEUE,
    async (job) => {
      const beat = setInterval(() => void job.extendLease().catch(() => {}), leaseMs / 3);
      try {
        return { started: await startSandbox(services, job.payload.sandboxId, job.payload.generation, job.signal) };
      } catch (error) {
        logger.warn("sandbox start attempt failed", { sandboxId: job.payload.sandboxId, attempt: job.attempt, error: String(error) });
        if (job.attempt >= job.maxAttempts) {
          await failSandbox(services, job.payload.sandboxId, `start failed: ${scrubLogText(messageOf(error)).slice(0, 300)}`, job.payload.generation);
        }
        throw error;
      } finally {
        clearInterval(beat);
      }
    },
    { concurrency: 4, visibilityMs: leaseMs },
  );
  const remove = services.queue.work<{ sandboxId: string }>(DELETE_QUEUE, (job) => finishDelete(services, job.payload.sandboxId), {
    concurrency: 2,
    visibilityMs: 120_000,
  });

  const reconcile = () =>
    reconcileSandboxes(services).catch((error: unknown) => logger.error("sandbox reconciler failed", { error: error instanceof Error ? error : String(error) }));
  const first = reconcile();
  const timer = setInterval(reconcile, services.config.sandboxes.reconcileMs);
  timer.unref?.();
  return {
    reconcile,
    async stop() {
      clearInterval(timer);
      await first;
      await Promise.all([start.stop(), remove.stop()]);
    },
  };
}
