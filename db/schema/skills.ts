import { doublePrecision, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { users } from "./users.ts";

/** A named folder the agent writes in its workspace (`skills/<name>/SKILL.md` plus files). */
export const skills = pgTable(
  "skills",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    latestVersion: integer("latest_version").notNull().default(0),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("skills_user_name_uq").on(t.userId, t.name)],
);

/** One per sync that changed a skill's content. */
export const skillVersions = pgTable(
  "skill_versions",
  {
    id: text("id").primaryKey(),
    skillId: text("skill_id").notNull().references(() => skills.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    contentHash: text("content_hash").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    fileCount: integer("file_count").notNull(),
    objectKey: text("object_key").notNull(),
    sessionId: text("session_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("skill_versions_skill_version_uq").on(t.skillId, t.version), index("skill_versions_hash_idx").on(t.skillId, t.contentHash)],
);

export const EVAL_RUN_STATUSES = ["queued", "running", "passed", "failed", "error"] as const;

/** How a skill version performed in an evaluation. */
export const evalRuns = pgTable(
  "eval_runs",
  {
    id: text("id").primaryKey(),
    skillId: text("skill_id").notNull().references(() => skills.id, { onDelete: "cascade" }),
    skillVersionId: text("skill_version_id").notNull().references(() => skillVersions.id, { onDelete: "cascade" }),
    status: text("status", { enum: EVAL_RUN_STATUSES }).notNull().default("queued"),
    score: doublePrecision("score"),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
    logObjectKey: text("log_object_key"),
    notes: text("notes"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [index("eval_runs_skill_idx").on(t.skillId, t.createdAt)],
);

export type SkillRow = typeof skills.$inferSelect;
export type SkillVersionRow = typeof skillVersions.$inferSelect;
export type EvalRunRow = typeof evalRuns.$inferSelect;
