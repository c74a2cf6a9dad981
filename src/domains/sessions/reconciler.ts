import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { deviceSessions, queueJobs, users } from "../../../db/schema/index.ts";
import type { Services } from "../../platform/services.ts";
import { ALLOCATE_QUEUE } from "./allocate.ts";
import { appendSessionEvent } from "./events.ts";
import { destroyDevice, DEVICE_GONE, FINISH_QUEUE, finishSession } from "./finish.ts";
import { findSession, STARTING_STATUSES, transition } from "./records.ts";

/**
 * Makes the engine and the table agree, at start-up and then periodically:
 * - a device container or volume whose session is gone, ended or failed is removed (orphans);
 * - a starting session whose allocation job is gone or dead is failed, and its device removed;
 * - an ending session with no finish job gets one (its sync is retried);
 * - a finished session whose sync never finished (left by a crash) says the sync failed;
 * - an active session idle for longer than its owner's session_timeout_min is ended.
 */
export async function reconcileSessions(services: Services): Promise<void> {
  await removeOrphans(services);
  await failStuckStarts(services);
  await resumeEndings(services);
  await closeUnfinishedSyncs(services);
  await endIdleSessions(services);
}

async function removeOrphans(services: Services): Promise<void> {
  const { containers, devices, db, logger } = services;
  const finished = async (sessionId: string | undefined) => {
    if (!sessionId) return true;
    const session = await findSession(db, sessionId);
    return !session || session.status === "ended" || session.status === "error";
  };
  const labels = { ...devices.poolLabels };
  for (const container of await containers.listByLabel(labels)) {
    const sessionId = devices.sessionOf(container.labels);
    if (!(await finished(sessionId))) continue;
    logger.warn("removing orphan device container", { containerId: container.id, sessionId });
    await destroyDevice(containers, container.id, sessionId ? devices.dataVolumeName(sessionId) : null);
  }
  for (const volume of await containers.listVolumes(labels)) {
    const sessionId = devices.sessionOf(volume.labels);
    if (!(await finished(sessionId))) continue;
    logger.warn("removing orphan device volume", { volume: volume.name, sessionId });
    await destroyDevice(containers, null, volume.name).catch((error: unknown) => logger.warn("orphan volume still in use", { volume: volume.name, error: String(error) }));
  }
}

async function failStuckStarts(services: Services): Promise<void> {
  const stuck = await services.db
    .select({ id: deviceSessions.id, job: queueJobs.status })
    .from(deviceSessions)
    .leftJoin(queueJobs, and(eq(queueJobs.queue, ALLOCATE_QUEUE), eq(queueJobs.key, deviceSessions.id)))
    .where(inArray(deviceSessions.status, [...STARTING_STATUSES]));
  for (const row of stuck) {
    if (row.job === "pending" || row.job === "running") continue;
    await failSession(services, row.id, row.job === "dead" ? "device allocation failed" : "device allocation was lost");
  }
}

/**
 * An ending session is finished by its finish job. No job: one is queued. A job that gave up
 * (dead) or is done while the session is still ending will never run again: with the finish
 * lease lapsed, the reconciler ends the session itself (a dead job's sync is abandoned, so the
 * device is freed and sync_status says "failed"). Otherwise the session would stay ending forever.
 */
async function resumeEndings(services: Services): Promise<void> {
  const ending = await services.db
    .select({
      id: deviceSessions.id,
      reason: deviceSessions.endReason,
      job: queueJobs.status,
      leaseLapsed: sql<boolean>`(${deviceSessions.finishLeaseUntil} is null or ${deviceSessions.finishLeaseUntil} < now())`,
    })
    .from(deviceSessions)
    .leftJoin(queueJobs, and(eq(queueJobs.queue, FINISH_QUEUE), eq(queueJobs.key, sql`${deviceSessions.id} || ':finish'`)))
    .where(eq(deviceSessions.status, "ending"));
  for (const session of ending) {
    const reason = session.reason ?? "ended";
    if (!session.job) {
      await services.queue.enqueue({ queue: FINISH_QUEUE, key: `${session.id}:finish`, payload: { sessionId: session.id, reason }, maxAttempts: 20 });
    } else if ((session.job === "dead" || session.job === "done") && session.leaseLapsed) {
      await finishSession(services, session.id, reason, { abandonSync: session.job === "dead" });
    }
  }
}

/** Nothing syncs an ended or failed session any more: "syncing" or "retrying" there would never change. */
async function closeUnfinishedSyncs(services: Services): Promise<void> {
  await services.db
    .update(deviceSessions)
    .set({ syncStatus: "failed", syncError: sql`coalesce(${deviceSessions.syncError}, ${DEVICE_GONE})` })
    .where(and(inArray(deviceSessions.status, ["ended", "error"]), inArray(deviceSessions.syncStatus, ["syncing", "retrying"])));
}

async function endIdleSessions(services: Services): Promise<void> {
  const idle = await services.db
    .select({ id: deviceSessions.id })
    .from(deviceSessions)
    .innerJoin(users, eq(users.id, deviceSessions.userId))
    .where(and(eq(deviceSessions.status, "active"), lt(deviceSessions.lastActivityAt, sql`now() - make_interval(mins => ${users.sessionTimeoutMin})`)));
  for (const session of idle) {
    const outcome = await finishSession(services, session.id, "inactivity timeout");
    if (outcome === "sync_failed") {
      await services.queue.enqueue({ queue: FINISH_QUEUE, key: `${session.id}:finish`, payload: { sessionId: session.id, reason: "inactivity timeout" }, maxAttempts: 20 });
    }
  }
}

/** A session that could not be started: error event, device removed. */
export async function failSession(services: Services, sessionId: string, reason: string): Promise<void> {
  const session = await transition(services.db, sessionId, STARTING_STATUSES, { status: "error", errorReason: reason, endedAt: new Date() });
  if (!session) return;
  await appendSessionEvent(services, sessionId, "error", { reason });
  await destroyDevice(services.containers, session.containerId, session.volumeName ?? services.devices.dataVolumeName(sessionId)).catch((error: unknown) =>
    services.logger.warn("could not remove a failed session's device; the reconciler will retry", { sessionId, error: String(error) }),
  );
}
