import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { deviceSessions, type DeviceSessionRow, type SessionStatus } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { TSessionResponse } from "./sessions.types.ts";

export const LIVE_STATUSES: readonly SessionStatus[] = ["queued", "redroid_starting", "adb_handshake", "gateway_starting", "active", "ending"];
export const STARTING_STATUSES: readonly SessionStatus[] = ["queued", "redroid_starting", "adb_handshake", "gateway_starting"];

export async function findSession(db: DbOrTx, id: string): Promise<DeviceSessionRow | null> {
  const [row] = await db.select().from(deviceSessions).where(eq(deviceSessions.id, id)).limit(1);
  return row ?? null;
}

/** The owner's session; anyone else's id is "not found", exactly like a missing one. */
export async function requireOwnSession(db: DbOrTx, id: string, userId: string): Promise<DeviceSessionRow> {
  const [row] = await db
    .select()
    .from(deviceSessions)
    .where(and(eq(deviceSessions.id, id), eq(deviceSessions.userId, userId)))
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", "Session not found");
  return row;
}

/** Moves a session to `status` only from one of `from`; returns the updated row or null if it had moved on. */
export async function transition(
  db: DbOrTx,
  id: string,
  from: readonly SessionStatus[],
  patch: Partial<DeviceSessionRow> & { status: SessionStatus },
): Promise<DeviceSessionRow | null> {
  const [row] = await db
    .update(deviceSessions)
    .set(patch)
    .where(and(eq(deviceSessions.id, id), inArray(deviceSessions.status, [...from])))
    .returning();
  return row ?? null;
}

export function toSessionResponse(row: DeviceSessionRow, baseUrl: string): TSessionResponse {
  return {
    id: row.id,
    status: row.status,
    stream_url: `${baseUrl.replace(/\/$/, "")}/api/sessions/${row.id}/stream`,
    driver: row.driver,
    created_at: row.createdAt,
    active_at: row.activeAt,
    ended_at: row.endedAt,
    error: row.errorReason,
    end_reason: row.endReason,
    sync_status: row.syncStatus,
    device: { adb_address: row.adbAddress, container_id: row.containerId },
  };
}
