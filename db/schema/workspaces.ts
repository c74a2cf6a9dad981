import { boolean, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { users } from "./users.ts";

/** Workspace roles, lowest first (document 002). */
export const WORKSPACE_ROLES = ["viewer", "developer", "maintainer", "owner"] as const;
export type WorkspaceRoleName = (typeof WORKSPACE_ROLES)[number];

/** A team's workspace; its creator is its first owner. */
export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  /** A request through the subdomain proxy to a paused sandbox resumes it instead of answering 409. */
  autoResume: boolean("auto_resume").notNull().default(false),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

export const workspaceMembers = pgTable(
  "workspace_members",
  {
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: WORKSPACE_ROLES }).notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index("workspace_members_user_idx").on(t.userId)],
);

export const SANDBOX_TYPES = ["opencode", "openclaw"] as const;
export type SandboxType = (typeof SANDBOX_TYPES)[number];

/** creating → running → paused → running → deleting → deleted, or error (with a reason). */
export const SANDBOX_STATUSES = ["creating", "running", "paused", "deleting", "deleted", "error"] as const;
export type SandboxStatus = (typeof SANDBOX_STATUSES)[number];

export const sandboxes = pgTable(
  "sandboxes",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type", { enum: SANDBOX_TYPES }).notNull(),
    /** "cloud": a container on the engine; "local": a local agent's machine (a later issue). */
    kind: text("kind", { enum: ["cloud", "local"] }).notNull().default("cloud"),
    status: text("status", { enum: SANDBOX_STATUSES }).notNull().default("creating"),
    errorReason: text("error_reason"),
    /** Which container driver holds it: "docker" or "simulator". */
    driver: text("driver").notNull(),
    /** The program's own credential (opencode server password, openclaw gateway token), encrypted at rest. */
    secretEncrypted: text("secret_encrypted").notNull(),
    containerId: text("container_id"),
    volumeName: text("volume_name"),
    /** `host:port` of the program's published port while running. */
    address: text("address"),
    /** Counts starts (creation, then each resume): the start job's key, so each start is its own job. */
    generation: integer("generation").notNull().default(1),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    runningAt: timestamptz("running_at"),
    pausedAt: timestamptz("paused_at"),
    deletedAt: timestamptz("deleted_at"),
    lastActivityAt: timestamptz("last_activity_at").notNull().defaultNow(),
  },
  (t) => [index("sandboxes_workspace_idx").on(t.workspaceId, t.createdAt), index("sandboxes_status_idx").on(t.status)],
);

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type WorkspaceMemberRow = typeof workspaceMembers.$inferSelect;
export type SandboxRow = typeof sandboxes.$inferSelect;
