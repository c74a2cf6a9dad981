import { index, pgTable, text } from "drizzle-orm/pg-core";
import { jsonValue, timestamptz } from "./columns.ts";

/** Who did what, when, from where: sign-ins, key changes, bans, rate-limit violations, role changes. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: timestamptz("at").notNull().defaultNow(),
    /** The acting user, when known. */
    actorId: text("actor_id"),
    action: text("action").notNull(),
    outcome: text("outcome", { enum: ["success", "failure"] }).notNull(),
    /** What the action was about: a user id, key id, IP, e-mail. Never a secret. */
    subject: text("subject"),
    ip: text("ip"),
    requestId: text("request_id"),
    details: jsonValue("details"),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_actor_idx").on(t.actorId, t.at), index("audit_log_action_idx").on(t.action, t.at)],
);

export type AuditRow = typeof auditLog.$inferSelect;
