import { sql } from "drizzle-orm";
import { boolean, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const USER_ROLES = ["user", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** One person, whichever way they sign in; every surface sees this account. */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased; unique. */
    email: text("email").notNull(),
    emailVerified: boolean("email_verified").notNull().default(false),
    /** Optional login name (workspaces surface); unique case-insensitively. */
    username: text("username"),
    displayName: text("display_name"),
    /** argon2id (Bun.password); null for accounts that never set a password. */
    passwordHash: text("password_hash"),
    role: text("role", { enum: USER_ROLES }).notNull().default("user"),
    recordingOptIn: boolean("recording_opt_in").notNull().default(false),
    sessionTimeoutMin: integer("session_timeout_min").notNull().default(30),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    passwordChangedAt: timestamptz("password_changed_at"),
  },
  (t) => [
    uniqueIndex("users_email_uq").on(t.email),
    uniqueIndex("users_username_uq").on(sql`lower(${t.username})`),
  ],
);

export type UserRow = typeof users.$inferSelect;
