import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { deviceSessions, type DeviceSessionRow } from "../../../db/schema/index.ts";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import type { BlobStore } from "../../platform/blobs/types.ts";
import { isAppError, messageOf } from "../../platform/errors.ts";
import type { EventBus } from "../../platform/events/types.ts";
import type { Logger } from "../../platform/logger.ts";
import { syncSkills } from "../skills/index.ts";
import { engineCall } from "./driver-errors.ts";
import { appendSessionEvent } from "./events.ts";
import { findSession, LIVE_STATUSES, transition } from "./records.ts";
import { readWorkspaceSkills } from "./workspace.ts";

export const FINISH_QUEUE = "sessions.finish";

export interface FinishDeps {
  db: Db;
  bus: EventBus;
  containers: ContainerDriver;
  blobs: BlobStore;
  logger: Logger;
}

export type FinishOutcome = "ended" | "sync_failed" | "already_ended" | "in_progress";

/** Why a session ended without its skills synced: its device was gone (an engine restart, or a simulated device after a process restart). */
export const DEVICE_GONE = "the device was gone before its skills could be synced";

export const SYNC_ABANDONED = "the skill sync failed on every retry";

/** Longer than the slowest sync (a 60 s workspace read plus uploads); a crashed finisher's lease lapses. */
const FINISH_LEASE_MS = 3 * 60_000;

/**
 * Ends a session in the documented order: skills sync to the blob store, then the container is
 * destroyed, then the workspace volume is wiped. If the sync fails nothing is destroyed: the
 * session stays `ending` with sync_status `retrying`, and the queue calls this again. Only the
 * holder of the finish lease works on a session; a concurrent caller gets `in_progress`.
 */
export async function finishSession(
  deps: FinishDeps,
  sessionId: string,
  reason: string,
  options: { abandonSync?: boolean } = {},
): Promise<FinishOutcome> {
  const session = await claimFinish(deps.db, sessionId, reason);
  if (!session) {
    const current = await findSession(deps.db, sessionId);
    return !current || current.status === "ended" || current.status === "error" ? "already_ended" : "in_progress";
  }

  if (options.abandonSync) {
    // Every retry failed: the device is freed and the session says its skills were not synced.
    await deps.db
      .update(deviceSessions)
      .set({ syncStatus: "failed", syncError: sql`coalesce(${deviceSessions.syncError}, ${SYNC_ABANDONED})` })
      .where(eq(deviceSessions.id, sessionId));
    deps.logger.warn("session skill sync abandoned after its retries; ending the session", { sessionId });
  } else if (session.containerId && session.activeAt) {
    try {
      const skills = await readWorkspaceSkills(deps.containers, session.containerId);
      const synced = await syncSkills({ db: deps.db, blobs: deps.blobs, userId: session.userId, sessionId, skills });
      await deps.db.update(deviceSessions).set({ syncStatus: "synced", syncError: null }).where(eq(deviceSessions.id, sessionId));
      deps.logger.info("session skills synced", { sessionId, skills: synced });
    } catch (error) {
      // A container that is already gone cannot be read again; anything else is retried.
      if (isAppError(error) && error.code === "NOT_FOUND") {
        deps.logger.warn("session container vanished before its skills were synced", { sessionId });
        await deps.db
          .update(deviceSessions)
          .set({ syncStatus: "failed", syncError: DEVICE_GONE })
          .where(eq(deviceSessions.id, sessionId));
      } else {
        const message = messageOf(error);
        await deps.db
          .update(deviceSessions)
          .set({ syncStatus: "retrying", syncError: message.slice(0, 500), finishLeaseUntil: null })
          .where(eq(deviceSessions.id, sessionId));
        deps.logger.warn("session skill sync failed; workspace kept for a retry", { sessionId, error: message });
        return "sync_failed";
      }
    }
  } else {
    await deps.db.update(deviceSessions).set({ syncStatus: "synced" }).where(eq(deviceSessions.id, sessionId));
  }

  await destroyDevice(deps.containers, session.containerId, session.volumeName);
  const ended = await transition(deps.db, sessionId, ["ending"], { status: "ended", endedAt: new Date(), finishLeaseUntil: null });
  if (ended) await appendSessionEvent(deps, sessionId, "ended", { reason });
  return "ended";
}

/** Moves a live session to `ending` (or takes over an ending one) with the lease, atomically. */
async function claimFinish(db: Db, sessionId: string, reason: string): Promise<DeviceSessionRow | null> {
  const [row] = await db
    .update(deviceSessions)
    .set({
      status: "ending",
      endReason: sql`coalesce(${deviceSessions.endReason}, ${reason})`,
      syncStatus: sql`case when ${deviceSessions.syncStatus} = 'retrying' then 'retrying' else 'syncing' end`,
      finishLeaseUntil: sql`now() + make_interval(secs => ${FINISH_LEASE_MS / 1000})`,
    })
    .where(
      and(
        eq(deviceSessions.id, sessionId),
        inArray(deviceSessions.status, [...LIVE_STATUSES]),
        or(isNull(deviceSessions.finishLeaseUntil), lt(deviceSessions.finishLeaseUntil, sql`now()`)),
      ),
    )
    .returning();
  return row ?? null;
}

/** Container first, then the volume; both tolerate being gone already. */
export async function destroyDevice(containers: ContainerDriver, containerId: string | null, volumeName: string | null): Promise<void> {
  if (containerId) await ignoreNotFound(containers.remove(containerId, { force: true, volumes: true }));
  if (volumeName) await ignoreNotFound(containers.removeVolume(volumeName));
}

async function ignoreNotFound(work: Promise<void>): Promise<void> {
  try {
    await engineCall(work);
  } catch (error) {
    if (!(isAppError(error) && error.code === "NOT_FOUND")) throw error;
  }
}
