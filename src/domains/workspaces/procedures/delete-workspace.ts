import { destroyWorkspaceSandboxes } from "../../sandboxes/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../access.ts";
import { deleteWorkspace as deleteOne } from "../service.ts";
import { ZOk, ZWorkspaceIdInput } from "../workspaces.types.ts";

export const deleteWorkspace = authedProcedure
  .meta({
    access: workspaceAccess("workspaces.delete"),
    longRunning: true,
    rest: {
      method: "DELETE",
      path: "/api/workspaces/:id",
      surface: "workspaces",
      tags: ["workspaces"],
      summary: "Delete workspace (owner only)",
      description: "Its sandboxes are deleted first (containers and volumes), then the workspace, its members and its sandbox records.",
      auth: ["cookie", "bearer"],
      errors: { 403: "The caller is a member but not an owner." },
    },
  })
  .input(ZWorkspaceIdInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    await deleteOne(services.db, { userId: ctx.auth.userId, workspaceId: input.id, teardown: (workspaceId) => destroyWorkspaceSandboxes(services, workspaceId) });
    return { ok: true as const };
  });
