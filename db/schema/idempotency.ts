import { index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { jsonValue, timestamptz } from "./columns.ts";

/**
 * `Idempotency-Key` requests (Stripe's semantics), one row per (caller, procedure, key): while the
 * first request runs the row is `in_flight` under a claim token; once it has an outcome worth
 * keeping the row holds it, and a retry with the same parameters gets it back instead of running
 * again. Rows expire 24 hours after they were made and are purged on later writes.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    /** Whose key: the principal's user id (every credential of one user shares its keys). */
    scope: text("scope").notNull(),
    /** The procedure path (`market.jobs.pay`): the same for its REST route and tRPC. */
    route: text("route").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the request's parameters; a retry with other parameters is refused. */
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["in_flight", "done"] }).notNull(),
    /** Who holds an in-flight row, and until when (a crashed holder's row can be taken over after it). */
    claimToken: text("claim_token"),
    lockedUntil: timestamptz("locked_until"),
    /** The kept outcome: HTTP status and the serialized output or error. */
    responseStatus: integer("response_status"),
    response: jsonValue("response"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.route, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;
