import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Bans by limiter key (`ip:1.2.3.4`), manual and automatic: the durable record. The limiter
 * (in-process or Redis) holds a copy for the per-request check and is refilled from here when a
 * process starts, so a ban outlives a restart.
 */
export const rateLimitBans = pgTable(
  "rate_limit_bans",
  {
    key: text("key").primaryKey(),
    until: timestamptz("until").notNull(),
    kind: text("kind", { enum: ["auto", "manual"] }).notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [index("rate_limit_bans_until_idx").on(t.until)],
);

/**
 * Fixed windows that must outlive a restart without Redis (sign-in lockouts): one row per key,
 * counted atomically in SQL. With Redis the windows live there instead.
 */
export const rateLimitWindows = pgTable(
  "rate_limit_windows",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (t) => [index("rate_limit_windows_expires_idx").on(t.expiresAt)],
);

export type RateLimitBanRow = typeof rateLimitBans.$inferSelect;
