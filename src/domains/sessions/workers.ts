import type { Services } from "../../platform/services.ts";
import { messageOf } from "../../platform/errors.ts";
import { scrubLogText } from "../../platform/logger.ts";
import { ALLOCATE_QUEUE, allocateSession } from "./allocate.ts";
import { FINISH_QUEUE, finishSession } from "./finish.ts";
import { failSession, reconcileSessions } from "./reconciler.ts";

const RECONCILE_MS = 30_000;

/** The session domain's background work: allocation and finish queues, and the reconciler. */
export function startSessionWorkers(services: Services, options: { reconcileMs?: number; allocateLeaseMs?: number } = {}) {
  const { logger } = services;
  const allocateLeaseMs = options.allocateLeaseMs ?? 30_000;
  const allocate = services.queue.work<{ sessionId: string }>(
    ALLOCATE_QUEUE,
    async (job) => {
      // The lease is renewed for the whole allocation (engine calls and the boot may each outlast
      // a short lease); a crashed process stops renewing, so another resumes it one lease later.
      const beat = setInterval(() => void job.extendLease().catch(() => {}), allocateLeaseMs / 3);
      try {
        await allocateSession(
          {
            db: services.db,
            bus: services.bus,
            containers: services.containers,
            devices: services.devices,
            logger,
            adbKey: services.modules.sessions.adbKey,
            bootTimeoutMs: services.config.devices.bootTimeoutS * 1000,
            signal: job.signal,
          },
          job.payload.sessionId,
        );
      } catch (error) {
        logger.warn("session allocation attempt failed", { sessionId: job.payload.sessionId, attempt: job.attempt, error: String(error) });
        if (job.attempt >= job.maxAttempts) {
          // The reason is shown to the session's owner: the message, not the error class.
          await failSession(services, job.payload.sessionId, `device allocation failed: ${scrubLogText(messageOf(error)).slice(0, 200)}`);
        }
        throw error;
      } finally {
        clearInterval(beat);
      }
    },
    { concurrency: 4, visibilityMs: allocateLeaseMs },
  );
  const finish = services.queue.work<{ sessionId: string; reason: string }>(
    FINISH_QUEUE,
    async (job) => {
      await services.modules.sessions.gateway.forget(job.payload.sessionId);
      const outcome = await finishSession(services, job.payload.sessionId, job.payload.reason);
      if (outcome === "sync_failed") throw new Error("skill sync failed; the workspace is kept and the sync retried");
      // Someone else (a DELETE, or a finisher that crashed and holds a lapsing lease) is on it: look again later.
      if (outcome === "in_progress") throw new Error("the session is being ended elsewhere; checking again later");
    },
    { concurrency: 2, visibilityMs: 120_000 },
  );

  const reconcile = () =>
    reconcileSessions(services).catch((error: unknown) => logger.error("session reconciler failed", { error: error instanceof Error ? error : String(error) }));
  const first = reconcile();
  const timer = setInterval(reconcile, options.reconcileMs ?? RECONCILE_MS);
  timer.unref?.();

  return {
    reconcile,
    async stop() {
      clearInterval(timer);
      await first;
      await Promise.all([allocate.stop(), finish.stop()]);
      await services.modules.sessions.gateway.close();
    },
  };
}
