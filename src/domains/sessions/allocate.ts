import { eq } from "drizzle-orm";
import { deviceSessions, type DeviceSessionRow, type SessionStatus } from "../../../db/schema/index.ts";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import type { DeviceDriver } from "../../../drivers/device/types.ts";
import type { Db } from "../../../db/connection.ts";
import type { EventBus } from "../../platform/events/types.ts";
import type { Logger } from "../../platform/logger.ts";
import { engineCall } from "./driver-errors.ts";
import { appendSessionEvent, type SessionEventType } from "./events.ts";
import { findSession, STARTING_STATUSES, transition } from "./records.ts";

export const ALLOCATE_QUEUE = "sessions.allocate";

export interface AllocateDeps {
  db: Db;
  bus: EventBus;
  containers: ContainerDriver;
  devices: DeviceDriver;
  logger: Logger;
  /** The platform ADB key (the sessions module loads it once). */
  adbKey: () => Promise<Uint8Array>;
  bootTimeoutMs: number;
  /** Aborts when the job's lease is lost (the caller keeps renewing it while this runs). */
  signal: AbortSignal;
}

const ORDER: SessionStatus[] = ["queued", "redroid_starting", "adb_handshake", "gateway_starting", "active"];

/**
 * Brings a queued session to `active`: volume and container (labelled with the session, so a
 * crash leaves nothing unnamed), start, ADB handshake, boot, gateway check. Every step is
 * idempotent and resumes from the recorded status, so a retried job after a crash picks up where
 * the last one stopped. Returns false when the session moved on (ended) meanwhile.
 */
export async function allocateSession(deps: AllocateDeps, sessionId: string): Promise<boolean> {
  let session = await findSession(deps.db, sessionId);
  if (!session || !STARTING_STATUSES.includes(session.status)) return false;

  const advance = async (to: SessionEventType & SessionStatus, patch: Partial<DeviceSessionRow> = {}, data: Record<string, unknown> | null = null) => {
    if (ORDER.indexOf(session!.status) >= ORDER.indexOf(to)) return true;
    const moved = await transition(deps.db, sessionId, STARTING_STATUSES, { ...patch, status: to });
    if (!moved) return false;
    session = moved;
    await appendSessionEvent(deps, sessionId, to, data);
    return true;
  };

  if (!(await advance("redroid_starting", {}, { driver: deps.containers.kind }))) return false;
  // Recorded before the start, so a crash from here on leaves a container the session can name.
  const { containerId, volumeName } = await engineCall(deps.devices.create({ sessionId, ownerId: session.userId }));
  await deps.db.update(deviceSessions).set({ containerId, volumeName }).where(eq(deviceSessions.id, sessionId));
  const { adbAddress } = await engineCall(deps.devices.start(containerId));

  if (!(await advance("adb_handshake", { adbAddress }, { adb_address: adbAddress }))) return false;
  const key = await deps.adbKey();
  const device = await engineCall(deps.devices.connectStarting(containerId, adbAddress, key, { timeoutMs: 15_000, signal: deps.signal }));
  try {
    await device.waitForBoot({ timeoutMs: deps.bootTimeoutMs, signal: deps.signal });
    if (!(await advance("gateway_starting"))) return false;
    // The gateway drives the device through this same ADB path; prove it answers a command.
    const probe = await device.shell("getprop ro.product.model", { timeoutMs: 10_000, signal: deps.signal });
    const model = probe.stdout.trim() || null;
    return advance("active", { activeAt: new Date(), lastActivityAt: new Date() }, { adb_address: adbAddress, model });
  } finally {
    await device.close().catch(() => {});
  }
}
