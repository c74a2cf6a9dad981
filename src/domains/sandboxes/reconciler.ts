import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { queueJobs, sandboxes } from "../../../db/schema/index.ts";
import { SANDBOX_LABELS } from "../../../drivers/sandbox/index.ts";
import type { Services } from "../../platform/services.ts";
import { removeSandboxContainers, sandboxPoolLabels } from "./engine.ts";
import { DELETE_QUEUE, deleteJobKey, failSandbox, finishDelete, START_QUEUE } from "./lifecycle.ts";
import { findSandbox } from "./records.ts";
import { pauseRow } from "./service.ts";

/**
 * Makes the engine and the table agree, at start-up and then periodically:
 * - a sandbox container whose sandbox is gone, deleted, failed, or paused with no start under way
 *   is removed; a volume whose sandbox is gone or deleted too (orphans a crash left);
 * - a start whose job is gone or dead fails the sandbox (`error`);
 * - a `deleting` sandbox whose delete job is gone gets one, and one whose job gave up is finished here;
 * - a running sandbox idle longer than SANDBOX_IDLE_PAUSE_MIN (when set) is paused.
 */
export async function reconcileSandboxes(services: Services): Promise<void> {
  await failLostStarts(services);
  await removeOrphans(services);
  await resumeDeletes(services);
  await pauseIdle(services);
}

async function startJobStatus(services: Services, sandboxId: string, generation: number): Promise<string | null> {
  const [job] = await services.db
    .select({ status: queueJobs.status })
    .from(queueJobs)
    .where(and(eq(queueJobs.queue, START_QUEUE), eq(queueJobs.key, `${sandboxId}:${generation}`)))
    .limit(1);
  return job?.status ?? null;
}

const live = (job: string | null) => job === "pending" || job === "running";

async function removeOrphans(services: Services): Promise<void> {
  const { containers, db, logger } = services;
  const wanted = async (sandboxId: string | undefined) => {
    if (!sandboxId) return false;
    const row = await findSandbox(db, sandboxId);
    if (!row) return false;
    if (row.status === "creating" || row.status === "running") return true;
    if (row.status === "paused") return live(await startJobStatus(services, row.id, row.generation));
    // deleting: its delete job removes it; error, deleted: nothing should run.
    return row.status === "deleting";
  };
  const pool = sandboxPoolLabels(services);
  for (const container of await containers.listByLabel(pool)) {
    const sandboxId = container.labels[SANDBOX_LABELS.sandbox];
    if (!sandboxId || (await wanted(sandboxId))) continue;
    logger.warn("removing orphan sandbox container", { containerId: container.id, sandboxId });
    await removeSandboxContainers(containers, sandboxId).catch((error: unknown) => logger.warn("orphan sandbox container not removed", { sandboxId, error: String(error) }));
  }
  for (const volume of await containers.listVolumes(pool)) {
    const sandboxId = volume.labels[SANDBOX_LABELS.sandbox];
    if (!sandboxId) continue;
    const row = await findSandbox(db, sandboxId);
    if (row && row.status !== "deleted") continue;
    logger.warn("removing orphan sandbox volume", { volume: volume.name, sandboxId });
    await containers.removeVolume(volume.name).catch((error: unknown) => logger.warn("orphan sandbox volume still in use", { volume: volume.name, error: String(error) }));
  }
}

async function failLostStarts(services: Services): Promise<void> {
  const starting = await services.db
    .select({ id: sandboxes.id, status: sandboxes.status, generation: sandboxes.generation })
    .from(sandboxes)
    .where(inArray(sandboxes.status, ["creating", "paused"]));
  for (const row of starting) {
    const job = await startJobStatus(services, row.id, row.generation);
    if (live(job)) continue;
    // A paused sandbox with no start, or whose last start finished, is simply paused.
    if (row.status === "paused" && job !== "dead") continue;
    await failSandbox(services, row.id, job === "dead" ? "the sandbox could not be started" : "the sandbox's start was lost", row.generation);
  }
}

async function resumeDeletes(services: Services): Promise<void> {
  const deleting = await services.db
    .select({ id: sandboxes.id, job: queueJobs.status })
    .from(sandboxes)
    .leftJoin(queueJobs, and(eq(queueJobs.queue, DELETE_QUEUE), eq(queueJobs.key, sql`${sandboxes.id} || ':delete'`)))
    .where(eq(sandboxes.status, "deleting"));
  for (const row of deleting) {
    if (!row.job) await services.queue.enqueue({ queue: DELETE_QUEUE, key: deleteJobKey(row.id), payload: { sandboxId: row.id }, maxAttempts: 10 });
    else if (row.job === "dead" || row.job === "done") await finishDelete(services, row.id);
  }
}

async function pauseIdle(services: Services): Promise<void> {
  const minutes = services.config.sandboxes.idlePauseMin;
  if (minutes <= 0) return;
  const idle = await services.db
    .select({ id: sandboxes.id })
    .from(sandboxes)
    .where(and(eq(sandboxes.status, "running"), eq(sandboxes.kind, "cloud"), lt(sandboxes.lastActivityAt, sql`now() - make_interval(mins => ${minutes})`)));
  for (const row of idle) {
    services.logger.info("pausing an idle sandbox", { sandboxId: row.id, idleMinutes: minutes });
    await pauseRow(services, row.id);
  }
}
