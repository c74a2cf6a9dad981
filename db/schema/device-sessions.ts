import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { jsonValue, timestamptz } from "./columns.ts";
import { users } from "./users.ts";

/** Lifecycle of a cloud Android session; the documented event names are its states. */
export const SESSION_STATUSES = [
  "queued",
  "redroid_starting",
  "adb_handshake",
  "gateway_starting",
  "active",
  "ending",
  "ended",
  "error",
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const deviceSessions = pgTable(
  "device_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: SESSION_STATUSES }).notNull().default("queued"),
    /** Which container driver holds it: "docker" or "simulator". */
    driver: text("driver").notNull(),
    containerId: text("container_id"),
    volumeName: text("volume_name"),
    /** ADB endpoint once published, `host:port`. */
    adbAddress: text("adb_address"),
    errorReason: text("error_reason"),
    /** Skill sync on end: null until ending; "retrying" while the queue retries a failed sync. */
    syncStatus: text("sync_status", { enum: ["syncing", "synced", "retrying", "failed"] }),
    syncError: text("sync_error"),
    /** Whoever is ending the session (a DELETE or a finish job) holds this lease; others stand back. */
    finishLeaseUntil: timestamptz("finish_lease_until"),
    endReason: text("end_reason"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    activeAt: timestamptz("active_at"),
    endedAt: timestamptz("ended_at"),
    lastActivityAt: timestamptz("last_activity_at").notNull().defaultNow(),
    /** The client address that asked for it: live sessions per address are capped (DEVICE_PER_IP). */
    clientIp: text("client_ip"),
    /** Bytes pushed onto the device while it lives; they count against the owner's storage quota. */
    pushedBytes: bigint("pushed_bytes", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    index("device_sessions_user_idx").on(t.userId, t.createdAt),
    index("device_sessions_status_idx").on(t.status),
    index("device_sessions_client_ip_idx").on(t.clientIp, t.status),
  ],
);

/** Every lifecycle event, numbered per session, so a stream can replay from Last-Event-ID. */
export const sessionEvents = pgTable(
  "session_events",
  {
    sessionId: text("session_id").notNull().references(() => deviceSessions.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    data: jsonValue("data"),
    at: timestamptz("at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.seq] })],
);

/** The platform's ADB RSA key (the device trusts it), private part encrypted at rest. */
export const deviceKeys = pgTable("device_keys", {
  id: text("id").primaryKey(),
  privateKeyEncrypted: text("private_key_encrypted").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

export type DeviceSessionRow = typeof deviceSessions.$inferSelect;
export type SessionEventRow = typeof sessionEvents.$inferSelect;
