import type { DbOrTx } from "../../db/connection.ts";
import { auditLog } from "../../db/schema/index.ts";
import { newId } from "./ids.ts";
import type { Logger } from "./logger.ts";
import type { Actor } from "./request.ts";

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
export async function recordAudit(deps: AuditDeps, event: AuditEvent): Promise<void> {
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

export interface AuditDeps {
  db: DbOrTx;
  logger: Logger;
}

/** `ctx.actor`, `ctx.meta`, or a platform caller that knows only where the request came from. */
export type AuditedCaller = Pick<Actor, "ip" | "requestId"> & { userId?: string | null };

/** What an audit row says beyond who and where; `actorId` defaults to the actor's user. */
export interface AuditEntry {
  outcome: AuditEvent["outcome"];
  subject?: string | null;
  details?: AuditEvent["details"];
  actorId?: string | null;
}

/**
 * The one way a procedure's work is audited: the IP and request id come from the caller's actor
 * (`ctx.actor`), so no call site rebuilds them.
 */
export function audit(deps: AuditDeps, actor: AuditedCaller, action: string, entry: AuditEntry): Promise<void> {
  const actorId = entry.actorId !== undefined ? entry.actorId : (actor.userId ?? null);
  return recordAudit(deps, {
    action,
    outcome: entry.outcome,
    actorId,
    subject: entry.subject,
    ip: actor.ip,
    requestId: actor.requestId,
    details: entry.details,
  });
}
