import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { workspaceMembers, type WorkspaceRoleName } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { WorkspaceRole } from "../../trpc/meta.ts";

/**
 * Who may do what in a workspace (document 002): add member owner/maintainer, change a role and
 * remove a member owner, create sandboxes developer+, delete the workspace owner. Each
 * workspace-scoped procedure is named here by its tRPC path, declares `workspaceAccess(action)` in
 * its meta, and calls `authorize` with the same action: one table decides both.
 */
export const WORKSPACE_ACTIONS = {
  "workspaces.get": "viewer",
  "workspaces.delete": "owner",
  "workspaces.listMembers": "viewer",
  "workspaces.addMember": "maintainer",
  "workspaces.updateMember": "owner",
  "workspaces.removeMember": "owner",
  "sandboxes.list": "viewer",
  "sandboxes.create": "developer",
  "sandboxes.get": "viewer",
  "sandboxes.delete": "developer",
  "sandboxes.pause": "developer",
  "sandboxes.resume": "developer",
  "sandboxes.exec": "developer",
  "sandboxes.readFile": "developer",
  "sandboxes.writeFile": "developer",
  /** Reaching a sandbox's program through its subdomain. */
  "sandboxes.proxy": "viewer",
} as const satisfies Record<string, WorkspaceRole>;

export type WorkspaceAction = keyof typeof WORKSPACE_ACTIONS;

const RANK: Record<WorkspaceRole, number> = { viewer: 0, developer: 1, maintainer: 2, owner: 3 };

export function roleAtLeast(role: WorkspaceRole, minimum: WorkspaceRole): boolean {
  return RANK[role] >= RANK[minimum];
}

/** The meta declaration of a workspace-scoped procedure: `access: workspaceAccess("sandboxes.create")`. */
export function workspaceAccess<A extends WorkspaceAction>(action: A): { workspace: (typeof WORKSPACE_ACTIONS)[A] } {
  return { workspace: WORKSPACE_ACTIONS[action] };
}

export async function memberRole(db: DbOrTx, workspaceId: string, userId: string): Promise<WorkspaceRoleName | null> {
  const [row] = await db
    .select({ role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)))
    .limit(1);
  return row?.role ?? null;
}

/**
 * The one authorization decision for workspace-scoped work: a non-member (or an unknown
 * workspace) is 404 with `notFound`, a member below the action's role 403. Returns the role.
 */
export async function authorize(
  db: DbOrTx,
  input: { workspaceId: string; userId: string; action: WorkspaceAction; notFound?: string },
): Promise<WorkspaceRoleName> {
  return decide(await memberRole(db, input.workspaceId, input.userId), input.action, input.notFound);
}

/** `authorize`'s decision on a role already read (null: not a member). */
export function decide(role: WorkspaceRoleName | null, action: WorkspaceAction, notFound = "Workspace not found"): WorkspaceRoleName {
  if (!role) throw new AppError("NOT_FOUND", notFound);
  const needed = WORKSPACE_ACTIONS[action];
  if (!roleAtLeast(role, needed)) throw new AppError("FORBIDDEN", `This needs the ${needed} role or higher in the workspace; yours is ${role}`);
  return role;
}
