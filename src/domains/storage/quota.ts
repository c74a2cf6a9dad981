import { and, eq, inArray, sql, sum } from "drizzle-orm";
import type { Db, DbOrTx } from "../../../db/connection.ts";
import { deviceSessions, skills, skillVersions, userUploads } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";

/**
 * The per-user storage quota (USER_STORAGE_QUOTA_MB). What a user holds: uploads the platform
 * keeps (APKs, eval-run logs; `user_uploads`), skill versions synced from their workspaces, and
 * bytes pushed onto their live devices. Uploads are checked and reserved under a per-user lock
 * before the bytes are written, so concurrent uploads cannot overshoot together. Skill syncs are
 * counted but never refused: a session's end must not fail on the quota.
 */
export interface QuotaDeps {
  db: Db;
  quotaBytes: number;
}

/** Sessions whose device still holds what was pushed onto it (ended sessions' devices are wiped). */
const HOLDING_STATUSES = ["queued", "redroid_starting", "adb_handshake", "gateway_starting", "active", "ending"] as const;

export async function storageUsed(db: DbOrTx, userId: string): Promise<number> {
  const [uploads] = await db.select({ bytes: sum(userUploads.sizeBytes) }).from(userUploads).where(eq(userUploads.userId, userId));
  const [versions] = await db
    .select({ bytes: sum(skillVersions.sizeBytes) })
    .from(skillVersions)
    .innerJoin(skills, eq(skills.id, skillVersions.skillId))
    .where(eq(skills.userId, userId));
  const [pushed] = await db
    .select({ bytes: sum(deviceSessions.pushedBytes) })
    .from(deviceSessions)
    .where(and(eq(deviceSessions.userId, userId), inArray(deviceSessions.status, [...HOLDING_STATUSES])));
  return Number(uploads?.bytes ?? 0) + Number(versions?.bytes ?? 0) + Number(pushed?.bytes ?? 0);
}

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

function quotaExceeded(used: number, adding: number, quota: number): AppError {
  return new AppError(
    "FORBIDDEN",
    `Storage quota exceeded: this upload needs ${mib(adding)} and ${mib(used)} of your ${mib(quota)} are used; delete skills or end sessions first`,
  );
}

async function lockUser(tx: DbOrTx, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`storage:${userId}`}))`);
}

/**
 * Reserves `sizeBytes` under `objectKey` (replacing what that key held), or throws 403 when the
 * user would go over the quota; then runs `write`. A failed write gives the reservation back.
 */
export async function keepUpload<T>(
  deps: QuotaDeps,
  upload: { userId: string; objectKey: string; sizeBytes: number },
  write: () => Promise<T>,
): Promise<T> {
  const previous = await deps.db.transaction(async (tx) => {
    await lockUser(tx, upload.userId);
    const [existing] = await tx
      .select({ sizeBytes: userUploads.sizeBytes })
      .from(userUploads)
      .where(and(eq(userUploads.userId, upload.userId), eq(userUploads.objectKey, upload.objectKey)));
    const used = (await storageUsed(tx, upload.userId)) - (existing?.sizeBytes ?? 0);
    if (used + upload.sizeBytes > deps.quotaBytes) throw quotaExceeded(used, upload.sizeBytes, deps.quotaBytes);
    await tx
      .insert(userUploads)
      .values({ userId: upload.userId, objectKey: upload.objectKey, sizeBytes: upload.sizeBytes })
      .onConflictDoUpdate({ target: [userUploads.userId, userUploads.objectKey], set: { sizeBytes: upload.sizeBytes, createdAt: sql`now()` } });
    return existing ?? null;
  });
  try {
    return await write();
  } catch (error) {
    const key = and(eq(userUploads.userId, upload.userId), eq(userUploads.objectKey, upload.objectKey));
    if (previous) await deps.db.update(userUploads).set({ sizeBytes: previous.sizeBytes }).where(key);
    else await deps.db.delete(userUploads).where(key);
    throw error;
  }
}

/** As keepUpload, for bytes pushed onto a live device: they count while the session lives. */
export async function pushWithinQuota<T>(
  deps: QuotaDeps,
  push: { userId: string; sessionId: string; sizeBytes: number },
  write: () => Promise<T>,
): Promise<T> {
  const bySession = eq(deviceSessions.id, push.sessionId);
  await deps.db.transaction(async (tx) => {
    await lockUser(tx, push.userId);
    const used = await storageUsed(tx, push.userId);
    if (used + push.sizeBytes > deps.quotaBytes) throw quotaExceeded(used, push.sizeBytes, deps.quotaBytes);
    await tx.update(deviceSessions).set({ pushedBytes: sql`${deviceSessions.pushedBytes} + ${push.sizeBytes}` }).where(bySession);
  });
  try {
    return await write();
  } catch (error) {
    await deps.db.update(deviceSessions).set({ pushedBytes: sql`greatest(0, ${deviceSessions.pushedBytes} - ${push.sizeBytes})` }).where(bySession);
    throw error;
  }
}

/** The 403 the upload routes document. */
export const QUOTA_ERROR_DOC = "The upload would take the user over USER_STORAGE_QUOTA_MB (default 512 MiB; APKs, eval logs, skill versions and files on live devices count).";
