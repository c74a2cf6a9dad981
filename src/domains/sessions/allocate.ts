import { eq } from "drizzle-orm";
import { deviceSessions, type DeviceSessionRow, type SessionStatus } from "../../../db/schema/index.ts";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import type { DeviceDriver } from "../../../drivers/device/types.ts";
import type { Db } from "../../../db/connection.ts";
import type { EventBus } from "../../platform/events/types.ts";
import type { Logger } from "../../platform/logger.ts";
import { toContainerSpec } from "./container-spec.ts";
import { platformAdbKey } from "./device-key.ts";
import { appendSessionEvent, type SessionEventType } from "./events.ts";
import { findSession, STARTING_STATUSES, transition } from "./records.ts";

export const ALLOCATE_QUEUE = "sessions.allocate";

export interface AllocateDeps {
  db: Db;
  bus: EventBus;
  containers: ContainerDriver;
  devices: DeviceDriver;
  logger: Logger;
  signingSecret: string;
  image: string;
  pool: string;
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
  const spec = toContainerSpec(deps.devices.containerSpec({ sessionId, ownerId: session.userId, image: deps.image }), deps.pool);
  for (const mount of spec.mounts ?? []) {
    if (mount.type === "volume" && mount.source) await deps.containers.createVolume({ name: mount.source, labels: spec.labels });
  }
  // The first session on an engine pulls the device image.
  if (!(await deps.containers.imageExists(spec.image))) await deps.containers.pullImage(spec.image);
  const existing = await deps.containers.listByLabel({ "agent-cloud.session": sessionId });
  const containerId = existing[0]?.id ?? (await deps.containers.create(spec)).id;
  const volumeName = spec.mounts?.find((m) => m.type === "volume")?.source ?? null;
  await deps.db.update(deviceSessions).set({ containerId, volumeName }).where(eq(deviceSessions.id, sessionId));
  await deps.containers.start(containerId);
  const info = await deps.containers.inspect(containerId);
  const adbPort = info.ports.find((p) => p.containerPort === deps.devices.adbPort);
  if (!adbPort) throw new Error(`container ${containerId} publishes no ADB port ${deps.devices.adbPort}`);

  if (!(await advance("adb_handshake", { adbAddress: adbPort.address }, { adb_address: adbPort.address }))) return false;
  const key = await platformAdbKey(deps.db, deps.signingSecret);
  const [host, port] = splitAddress(adbPort.address);
  const device = await deps.devices.connect({ host, port }, key, { timeoutMs: 15_000, signal: deps.signal });
  try {
    await device.waitForBoot({ timeoutMs: deps.bootTimeoutMs, signal: deps.signal });
    if (!(await advance("gateway_starting"))) return false;
    // The gateway drives the device through this same ADB path; prove it answers a command.
    const probe = await device.shell("getprop ro.product.model", { timeoutMs: 10_000, signal: deps.signal });
    const model = probe.stdout.trim() || null;
    return advance("active", { activeAt: new Date(), lastActivityAt: new Date() }, { adb_address: adbPort.address, model });
  } finally {
    await device.close().catch(() => {});
  }
}

export function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(":");
  return [address.slice(0, at).replace(/^\[|\]$/g, ""), Number(address.slice(at + 1))];
}
