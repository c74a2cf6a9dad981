/** The workspaces domain's entry for other domains: the one authorization decision and its table. */
export { authorize, decide, memberRole, roleAtLeast, workspaceAccess, WORKSPACE_ACTIONS, type WorkspaceAction } from "./access.ts";
