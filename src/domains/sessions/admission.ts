import { and, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../../../db/connection.ts";
import { deviceSessions, type DeviceSessionRow } from "../../../db/schema/index.ts";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { LIVE_STATUSES } from "./records.ts";

/**
 * Admits a new session or says why not: one live session per user and `perHour` per hour (429),
 * `perIp` live sessions per client address whatever the accounts (429: a handful of accounts from
 * one client cannot take every device), no capacity or no engine (503). Runs under a per-user
 * advisory lock, and the address and capacity checks under a global one, so two concurrent
 * requests cannot both slip under a limit.
 */
export async function admitSession(deps: {
  db: Db;
  containers: ContainerDriver;
  userId: string;
  /** Canonical client address of the request. */
  clientIp: string;
  perHour: number;
  perIp: number;
  capacity: number;
  /** Runs in the admitting transaction, so no one ever sees the admitted session without its allocation job. */
  onAdmitted(tx: DbOrTx, session: DeviceSessionRow): Promise<unknown>;
}): Promise<DeviceSessionRow> {
  if (!(await deps.containers.ping())) {
    throw new AppError("UNAVAILABLE", "No device capacity: the container engine is not reachable", undefined, { "retry-after": "30" });
  }
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sessions:${deps.userId}`}))`);
    const [live] = await tx
      .select({ n: count() })
      .from(deviceSessions)
      .where(and(eq(deviceSessions.userId, deps.userId), inArray(deviceSessions.status, [...LIVE_STATUSES])));
    if ((live?.n ?? 0) >= 1) {
      throw new AppError("RATE_LIMITED", "Rate limited: 1 active session at a time; end it first", undefined, { "retry-after": "60" });
    }
    const [recent] = await tx
      .select({ n: count() })
      .from(deviceSessions)
      .where(and(eq(deviceSessions.userId, deps.userId), gt(deviceSessions.createdAt, sql`now() - interval '1 hour'`)));
    if ((recent?.n ?? 0) >= deps.perHour) {
      throw new AppError("RATE_LIMITED", `Rate limited: ${deps.perHour} sessions per hour`, undefined, { "retry-after": "600" });
    }
    // Capacity is platform-wide; a global lock keeps two users from taking the last device together.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('sessions:capacity'))`);
    const [fromIp] = await tx
      .select({ n: count() })
      .from(deviceSessions)
      .where(and(eq(deviceSessions.clientIp, deps.clientIp), inArray(deviceSessions.status, [...LIVE_STATUSES])));
    if ((fromIp?.n ?? 0) >= deps.perIp) {
      throw new AppError("RATE_LIMITED", `Rate limited: ${deps.perIp} live sessions per client address; end one first`, undefined, { "retry-after": "60" });
    }
    const [running] = await tx
      .select({ n: count() })
      .from(deviceSessions)
      .where(inArray(deviceSessions.status, [...LIVE_STATUSES]));
    if ((running?.n ?? 0) >= deps.capacity) {
      throw new AppError("UNAVAILABLE", "No device capacity right now; try again shortly", undefined, { "retry-after": "30" });
    }
    const [row] = await tx
      .insert(deviceSessions)
      .values({ id: newId("ses"), userId: deps.userId, clientIp: deps.clientIp, status: "queued", driver: deps.containers.kind })
      .returning();
    await deps.onAdmitted(tx, row as DeviceSessionRow);
    return row as DeviceSessionRow;
  });
}
