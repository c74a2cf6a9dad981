import { and, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { auditLog, type AuditRow } from "../../../db/schema/index.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";

/** Actions are `area.verb` strings: `auth.login`, `api_key.revoke`, `ban.add`, `rate_limit.violation`… */
export interface AuditEvent {
  action: string;
  outcome: "success" | "failure";
  actorId?: string | null;
  /** What it was about: a user id, key id, IP, e-mail. Never a secret, token or hash. */
  subject?: string | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

/** Writes the row and the matching JSON log line. */
export async function recordAudit(deps: { db: DbOrTx; logger: Logger }, event: AuditEvent): Promise<void> {
  const row = {
    id: newId("aud"),
    action: event.action,
    outcome: event.outcome,
    actorId: event.actorId ?? null,
    subject: event.subject ?? null,
    ip: event.ip ?? null,
    requestId: event.requestId ?? null,
    details: event.details ?? null,
  };
  await deps.db.insert(auditLog).values(row);
  deps.logger.info("audit", {
    audit: { action: row.action, outcome: row.outcome, actorId: row.actorId, subject: row.subject, ip: row.ip, details: row.details },
    requestId: row.requestId,
  });
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  subject?: string;
  outcome?: "success" | "failure";
  since?: Date;
  until?: Date;
  /** The `id` of the last row of the previous page. */
  cursor?: string;
  limit: number;
}

export async function queryAudit(db: DbOrTx, query: AuditQuery): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
  const filters: SQL[] = [];
  if (query.actorId) filters.push(eq(auditLog.actorId, query.actorId));
  if (query.action) filters.push(eq(auditLog.action, query.action));
  if (query.subject) filters.push(eq(auditLog.subject, query.subject));
  if (query.outcome) filters.push(eq(auditLog.outcome, query.outcome));
  if (query.since) filters.push(gte(auditLog.at, query.since));
  if (query.until) filters.push(lte(auditLog.at, query.until));
  if (query.cursor) {
    const [anchor] = await db.select({ at: auditLog.at }).from(auditLog).where(eq(auditLog.id, query.cursor)).limit(1);
    if (anchor) filters.push(sql`(${auditLog.at}, ${auditLog.id}) < (${anchor.at}, ${query.cursor})`);
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
}
