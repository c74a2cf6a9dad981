import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { users, type AuditRow, type UserRole } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { InvalidatingCache } from "../../platform/invalidating-cache.ts";
import type { RateLimiter } from "../../platform/rate-limit/types.ts";
import type { CachedPrincipal } from "../../platform/services.ts";
import { audit, type AuditDeps } from "../../platform/audit.ts";
import type { SignedInActor } from "../../platform/request.ts";
import { queryAudit, type AuditQuery } from "../audit/index.ts";
import { banIp, unbanIp, type IpBan } from "../rate-limits/index.ts";

export async function banAsAdmin(
  deps: AuditDeps & { limiter: RateLimiter },
  actor: SignedInActor,
  input: { ip: string; minutes: number },
): Promise<IpBan> {
  const ban = await banIp(deps.limiter, input);
  await audit(deps, actor, "ban.add", {
    outcome: "success",
    subject: ban.ip,
    details: { minutes: input.minutes, until: ban.until.toISOString() },
  });
  return ban;
}

export async function unbanAsAdmin(
  deps: AuditDeps & { limiter: RateLimiter },
  actor: SignedInActor,
  ip: string,
): Promise<{ ip: string; removed: boolean }> {
  const result = await unbanIp(deps.limiter, ip);
  await audit(deps, actor, "ban.remove", {
    outcome: "success",
    subject: result.ip,
    details: { was_banned: result.wasBanned },
  });
  return { ip: result.ip, removed: result.wasBanned };
}

/**
 * Changes a user's role and drops their cached principals on every replica, so the new role holds
 * from the next request. An admin cannot change their own role: that is how the last admin locks
 * everyone out.
 */
export async function setUserRole(
  deps: AuditDeps & { cache: InvalidatingCache<CachedPrincipal> },
  actor: SignedInActor,
  input: { userId: string; role: UserRole },
): Promise<{ user_id: string; role: UserRole; previous_role: UserRole }> {
  if (input.userId === actor.userId) throw new AppError("CONFLICT", "Admins cannot change their own role");
  const [before] = await deps.db.select({ role: users.role }).from(users).where(eq(users.id, input.userId)).limit(1);
  if (!before) throw new AppError("NOT_FOUND", "User not found");
  if (before.role !== input.role) {
    await deps.db.update(users).set({ role: input.role, updatedAt: new Date() }).where(eq(users.id, input.userId));
    await deps.cache.invalidate([`user:${input.userId}`]);
  }
  await audit(deps, actor, "user.role_change", {
    outcome: "success",
    subject: input.userId,
    details: { from: before.role, to: input.role },
  });
  return { user_id: input.userId, role: input.role, previous_role: before.role };
}

export interface AuditItem {
  id: string;
  at: Date;
  actor_id: string | null;
  action: string;
  outcome: "success" | "failure";
  subject: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

export async function searchAudit(db: DbOrTx, query: AuditQuery): Promise<{ items: AuditItem[]; next_cursor: string | null }> {
  const page = await queryAudit(db, query);
  return { items: page.items.map(toItem), next_cursor: page.nextCursor };
}

function toItem(row: AuditRow): AuditItem {
  return {
    id: row.id,
    at: row.at,
    actor_id: row.actorId,
    action: row.action,
    outcome: row.outcome,
    subject: row.subject,
    ip: row.ip,
    request_id: row.requestId,
    details: isRecord(row.details) ? row.details : null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
