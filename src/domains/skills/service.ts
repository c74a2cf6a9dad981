import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { evalRuns, skills, skillVersions, type EvalRunRow, type SkillRow, type SkillVersionRow } from "../../../db/schema/index.ts";
import type { BlobStore } from "../../platform/blobs/types.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { keepUpload } from "../storage/index.ts";
import { findSkill } from "./sync.ts";
import type { TEvalRun, TSkillIndex, TSkillVersion } from "./skills.types.ts";

export async function listSkills(db: Db, userId: string): Promise<TSkillIndex[]> {
  const rows = await db.select().from(skills).where(eq(skills.userId, userId)).orderBy(skills.name);
  return rows.map(toIndex);
}

/** Another user's skill, or none of that name, is "not found" alike. */
export async function requireSkill(db: Db, userId: string, name: string): Promise<SkillRow> {
  const skill = await findSkill(db, userId, name);
  if (!skill) throw new AppError("NOT_FOUND", `Skill "${name}" not found`);
  return skill;
}

export async function getSkillDetail(db: Db, userId: string, name: string) {
  const skill = await requireSkill(db, userId, name);
  const versions = await db.select().from(skillVersions).where(eq(skillVersions.skillId, skill.id)).orderBy(desc(skillVersions.version));
  const runs = await db.select().from(evalRuns).where(eq(evalRuns.skillId, skill.id)).orderBy(desc(evalRuns.createdAt));
  const versionById = new Map(versions.map((v) => [v.id, v.version]));
  return {
    skill: toIndex(skill),
    versions: versions.map(toVersion),
    runs: runs.map((r) => toRun(r, versionById.get(r.skillVersionId) ?? 0)),
  };
}

export async function shareSkill(deps: {
  db: Db;
  blobs: BlobStore;
  userId: string;
  name: string;
  enabled: boolean;
  expiresIn: number;
}): Promise<{ url: string; expires_in: number }> {
  if (!deps.enabled) throw new AppError("UNAVAILABLE", "Skill sharing is not configured");
  const skill = await requireSkill(deps.db, deps.userId, deps.name);
  const [latest] = await deps.db
    .select()
    .from(skillVersions)
    .where(eq(skillVersions.skillId, skill.id))
    .orderBy(desc(skillVersions.version))
    .limit(1);
  if (!latest) throw new AppError("NOT_FOUND", `Skill "${deps.name}" has no saved version`);
  return { url: await deps.blobs.presignGet(latest.objectKey, deps.expiresIn), expires_in: deps.expiresIn };
}

export async function createEvalRun(deps: {
  db: Db;
  userId: string;
  name: string;
  version?: number;
  status: EvalRunRow["status"];
  notes?: string;
}): Promise<TEvalRun> {
  const skill = await requireSkill(deps.db, deps.userId, deps.name);
  const version = await findVersion(deps.db, skill, deps.version);
  const running = deps.status !== "queued";
  const [row] = await deps.db
    .insert(evalRuns)
    .values({
      id: newId("run"),
      skillId: skill.id,
      skillVersionId: version.id,
      status: deps.status,
      startedAt: running ? new Date() : null,
      finishedAt: isFinished(deps.status) ? new Date() : null,
      notes: deps.notes ?? null,
    })
    .returning();
  return toRun(row as EvalRunRow, version.version);
}

export async function updateEvalRun(deps: {
  db: Db;
  blobs: BlobStore;
  /** USER_STORAGE_QUOTA_MB in bytes: the run's log is kept and counts against it. */
  quotaBytes: number;
  userId: string;
  runId: string;
  status?: EvalRunRow["status"];
  score?: number | null;
  log?: string;
  notes?: string;
}): Promise<TEvalRun> {
  const [found] = await deps.db
    .select({ run: evalRuns, skill: skills, version: skillVersions })
    .from(evalRuns)
    .innerJoin(skills, eq(skills.id, evalRuns.skillId))
    .innerJoin(skillVersions, eq(skillVersions.id, evalRuns.skillVersionId))
    .where(and(eq(evalRuns.id, deps.runId), eq(skills.userId, deps.userId)))
    .limit(1);
  if (!found) throw new AppError("NOT_FOUND", "Eval run not found");
  const patch: Partial<EvalRunRow> = {};
  if (deps.status) {
    patch.status = deps.status;
    if (deps.status !== "queued" && !found.run.startedAt) patch.startedAt = new Date();
    if (isFinished(deps.status)) patch.finishedAt = new Date();
  }
  if (deps.score !== undefined) patch.score = deps.score;
  if (deps.notes !== undefined) patch.notes = deps.notes;
  if (deps.log !== undefined) {
    const key = `eval-logs/${deps.userId}/${found.run.id}.log`;
    const log = deps.log;
    await keepUpload({ db: deps.db, quotaBytes: deps.quotaBytes }, { userId: deps.userId, objectKey: key, sizeBytes: Buffer.byteLength(log) }, () =>
      deps.blobs.put(key, log, { contentType: "text/plain; charset=utf-8" }),
    );
    patch.logObjectKey = key;
  }
  const [row] = await deps.db.update(evalRuns).set(patch).where(eq(evalRuns.id, found.run.id)).returning();
  return toRun(row as EvalRunRow, found.version.version);
}

async function findVersion(db: Db, skill: SkillRow, version: number | undefined): Promise<SkillVersionRow> {
  const [row] = await db
    .select()
    .from(skillVersions)
    .where(and(eq(skillVersions.skillId, skill.id), eq(skillVersions.version, version ?? skill.latestVersion)))
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", `Skill "${skill.name}" has no version ${version ?? skill.latestVersion}`);
  return row;
}

function isFinished(status: EvalRunRow["status"]): boolean {
  return status === "passed" || status === "failed" || status === "error";
}

function toIndex(row: SkillRow): TSkillIndex {
  return {
    name: row.name,
    description: row.description,
    latest_version: row.latestVersion,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

function toVersion(row: SkillVersionRow): TSkillVersion {
  return {
    version: row.version,
    content_hash: row.contentHash,
    size_bytes: row.sizeBytes,
    file_count: row.fileCount,
    object_key: row.objectKey,
    session_id: row.sessionId,
    created_at: row.createdAt,
  };
}

function toRun(row: EvalRunRow, version: number): TEvalRun {
  return {
    id: row.id,
    version,
    status: row.status,
    score: row.score,
    started_at: row.startedAt,
    finished_at: row.finishedAt,
    log_object_key: row.logObjectKey,
    notes: row.notes,
    created_at: row.createdAt,
  };
}
