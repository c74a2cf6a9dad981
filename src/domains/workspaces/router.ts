import { addMember } from "./procedures/add-member.ts";
import { createWorkspace } from "./procedures/create-workspace.ts";
import { deleteWorkspace } from "./procedures/delete-workspace.ts";
import { getWorkspace } from "./procedures/get-workspace.ts";
import { listMembers } from "./procedures/list-members.ts";
import { listWorkspaces } from "./procedures/list-workspaces.ts";
import { removeMember } from "./procedures/remove-member.ts";
import { updateMember } from "./procedures/update-member.ts";

/** Workspaces and their members (document 002); the procedure names are WORKSPACE_ACTIONS' keys. */
export const workspaceProcedures = {
  list: listWorkspaces,
  create: createWorkspace,
  get: getWorkspace,
  delete: deleteWorkspace,
  listMembers,
  addMember,
  updateMember,
  removeMember,
};
