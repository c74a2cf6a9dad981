import { and, asc, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "../../../db/connection.ts";
import { users, workspaceMembers, workspaces, type WorkspaceRoleName, type WorkspaceRow } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import { newId, ID_PREFIX } from "../../platform/ids.ts";
import { authorize, roleAtLeast } from "./access.ts";
import type { TMember, TWorkspace } from "./workspaces.types.ts";

function toWorkspace(row: WorkspaceRow, role: WorkspaceRoleName): TWorkspace {
  return { id: row.id, name: row.name, role, auto_resume: row.autoResume, created_at: row.createdAt };
}

export async function createWorkspace(db: Db, input: { userId: string; name: string; autoResume?: boolean }): Promise<TWorkspace> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(workspaces)
      .values({ id: newId(ID_PREFIX.workspace), name: input.name, createdBy: input.userId, autoResume: input.autoResume ?? false })
      .returning();
    if (!row) throw new AppError("INTERNAL", "workspace insert returned nothing");
    await tx.insert(workspaceMembers).values({ workspaceId: row.id, userId: input.userId, role: "owner" });
    return toWorkspace(row, "owner");
  });
}

export async function listWorkspaces(db: DbOrTx, userId: string): Promise<TWorkspace[]> {
  const rows = await db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(asc(workspaces.createdAt), asc(workspaces.id));
  return rows.map((row) => toWorkspace(row.workspace, row.role));
}

export async function getWorkspace(db: DbOrTx, input: { userId: string; workspaceId: string }): Promise<TWorkspace> {
  const role = await authorize(db, { workspaceId: input.workspaceId, userId: input.userId, action: "workspaces.get" });
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).limit(1);
  if (!row) throw new AppError("NOT_FOUND", "Workspace not found");
  return toWorkspace(row, role);
}

/**
 * Deletes a workspace: `teardown` removes its sandboxes first (containers and volumes), then the
 * rows go (members and sandbox rows by cascade).
 */
export async function deleteWorkspace(
  db: Db,
  input: { userId: string; workspaceId: string; teardown: (workspaceId: string) => Promise<void> },
): Promise<void> {
  await authorize(db, { workspaceId: input.workspaceId, userId: input.userId, action: "workspaces.delete" });
  await input.teardown(input.workspaceId);
  await db.delete(workspaces).where(eq(workspaces.id, input.workspaceId));
}

const memberColumns = {
  userId: workspaceMembers.userId,
  role: workspaceMembers.role,
  joinedAt: workspaceMembers.createdAt,
  email: users.email,
  displayName: users.displayName,
};

type MemberRow = { userId: string; role: WorkspaceRoleName; joinedAt: Date; email: string; displayName: string | null };

const toMember = (row: MemberRow): TMember => ({
  user_id: row.userId,
  email: row.email,
  display_name: row.displayName,
  role: row.role,
  joined_at: row.joinedAt,
});

async function findMember(db: DbOrTx, workspaceId: string, userId: string): Promise<MemberRow | null> {
  const [row] = await db
    .select(memberColumns)
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)))
    .limit(1);
  return row ?? null;
}

export async function listMembers(db: DbOrTx, input: { userId: string; workspaceId: string }): Promise<TMember[]> {
  await authorize(db, { workspaceId: input.workspaceId, userId: input.userId, action: "workspaces.listMembers" });
  const rows = await db
    .select(memberColumns)
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, input.workspaceId))
    .orderBy(asc(workspaceMembers.createdAt), asc(workspaceMembers.userId));
  return rows.map(toMember);
}

/** Adds an existing user (by e-mail or id; unknown is 404). Only an owner may make another owner. */
export async function addMember(
  db: Db,
  input: { userId: string; workspaceId: string; role: WorkspaceRoleName; email?: string; memberUserId?: string },
): Promise<TMember> {
  const callerRole = await authorize(db, { workspaceId: input.workspaceId, userId: input.userId, action: "workspaces.addMember" });
  if (input.role === "owner" && !roleAtLeast(callerRole, "owner")) throw new AppError("FORBIDDEN", "Only an owner can add another owner");
  const where = input.memberUserId ? eq(users.id, input.memberUserId) : eq(users.email, (input.email ?? "").trim().toLowerCase());
  const [user] = await db.select({ id: users.id }).from(users).where(where).limit(1);
  if (!user) throw new AppError("NOT_FOUND", "User not found");
  const inserted = await db
    .insert(workspaceMembers)
    .values({ workspaceId: input.workspaceId, userId: user.id, role: input.role })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) throw new AppError("CONFLICT", "That user is already a member of this workspace");
  const member = await findMember(db, input.workspaceId, user.id);
  if (!member) throw new AppError("NOT_FOUND", "User not found");
  return toMember(member);
}

/** Locks the workspace's owner rows, so two owners demoting each other cannot leave it with none. */
async function ownersLocked(tx: DbOrTx, workspaceId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: workspaceMembers.userId })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, "owner")))
    .for("update");
  return rows.map((row) => row.userId);
}

export async function updateMemberRole(
  db: Db,
  input: { userId: string; workspaceId: string; memberUserId: string; role: WorkspaceRoleName },
): Promise<TMember> {
  await authorize(db, { workspaceId: input.workspaceId, userId: input.userId, action: "workspaces.updateMember" });
  await db.transaction(async (tx) => {
    const owners = await ownersLocked(tx, input.workspaceId);
    const current = await findMember(tx, input.workspaceId, input.memberUserId);
    if (!current) throw new AppError("NOT_FOUND", "Member not found");
    if (current.role === "owner" && input.role !== "owner" && owners.length <= 1) {
      throw new AppError("BAD_REQUEST", "The last owner cannot be demoted; make another member owner first");
    }
    await tx
      .update(workspaceMembers)
      .set({ role: input.role })
      .where(and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.userId, input.memberUserId)));
  });
  const member = await findMember(db, input.workspaceId, input.memberUserId);
  if (!member) throw new AppError("NOT_FOUND", "Member not found");
  return toMember(member);
}

/** An owner removes a member; any member may remove themselves (leave). The last owner cannot go. */
export async function removeMember(db: Db, input: { userId: string; workspaceId: string; memberUserId: string }): Promise<void> {
  const leaving = input.memberUserId === input.userId;
  await authorize(db, { workspaceId: input.workspaceId, userId: input.userId, action: leaving ? "workspaces.get" : "workspaces.removeMember" });
  await db.transaction(async (tx) => {
    const owners = await ownersLocked(tx, input.workspaceId);
    const current = await findMember(tx, input.workspaceId, input.memberUserId);
    if (!current) throw new AppError("NOT_FOUND", "Member not found");
    if (current.role === "owner" && owners.length <= 1) {
      throw new AppError("BAD_REQUEST", "The last owner cannot leave; make another member owner or delete the workspace");
    }
    await tx.delete(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, input.workspaceId), eq(workspaceMembers.userId, input.memberUserId)));
  });
}
