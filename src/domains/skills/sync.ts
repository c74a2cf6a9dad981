import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { skills, skillVersions } from "../../../db/schema/index.ts";
import type { BlobStore } from "../../platform/blobs/types.ts";
import { newId } from "../../platform/ids.ts";
import { contentHash, describeSkill, totalSize, type SkillFiles } from "./workspace-files.ts";

export interface SyncedSkill {
  name: string;
  version: number;
  changed: boolean;
}

/**
 * Saves each skill whose content changed as a new version: the bundle goes to the blob store
 * first, then the version row, so a failing store leaves nothing half-written and a retry is
 * safe (unchanged content is recognised by its hash).
 */
export async function syncSkills(deps: {
  db: Db;
  blobs: BlobStore;
  userId: string;
  sessionId: string | null;
  skills: SkillFiles[];
}): Promise<SyncedSkill[]> {
  const results: SyncedSkill[] = [];
  for (const skill of deps.skills) {
    const hash = contentHash(skill.files);
    const existing = await findSkill(deps.db, deps.userId, skill.name);
    if (existing) {
      const [latest] = await deps.db
        .select()
        .from(skillVersions)
        .where(eq(skillVersions.skillId, existing.id))
        .orderBy(desc(skillVersions.version))
        .limit(1);
      if (latest?.contentHash === hash) {
        results.push({ name: skill.name, version: latest.version, changed: false });
        continue;
      }
    }
    const objectKey = `skills/${deps.userId}/${skill.name}/${hash}.tar.gz`;
    const bundle = await new Bun.Archive(Object.fromEntries(skill.files), { compress: "gzip" }).bytes();
    await deps.blobs.put(objectKey, bundle, { contentType: "application/gzip" });
    const version = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(skills)
        .values({ id: newId("skl"), userId: deps.userId, name: skill.name, description: describeSkill(skill.files) })
        .onConflictDoUpdate({
          target: [skills.userId, skills.name],
          set: { latestVersion: sql`${skills.latestVersion} + 1`, description: describeSkill(skill.files), updatedAt: new Date() },
        })
        .returning();
      const saved = row as typeof skills.$inferSelect;
      const next = existing ? saved.latestVersion : 1;
      if (!existing) await tx.update(skills).set({ latestVersion: 1 }).where(eq(skills.id, saved.id));
      await tx.insert(skillVersions).values({
        id: newId("skv"),
        skillId: saved.id,
        version: next,
        contentHash: hash,
        sizeBytes: totalSize(skill.files),
        fileCount: skill.files.size,
        objectKey,
        sessionId: deps.sessionId,
      });
      return next;
    });
    results.push({ name: skill.name, version, changed: true });
  }
  return results;
}

export async function findSkill(db: Db, userId: string, name: string) {
  const [row] = await db.select().from(skills).where(and(eq(skills.userId, userId), eq(skills.name, name))).limit(1);
  return row ?? null;
}
