import type { DbOrTx } from "../../db/connection.ts";
import { auditLog } from "../../db/schema/index.ts";
import { newId } from "./ids.ts";
import type { Logger } from "./logger.ts";

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
