import { and, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { auditLog, type AuditRow } from "../../../db/schema/index.ts";

// Writing is platform/audit.ts (`audit`); this domain reads the log back for admins.

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
