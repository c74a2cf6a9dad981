import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../access.ts";
import { getWorkspace as getOne } from "../service.ts";
import { ZWorkspace, ZWorkspaceIdInput } from "../workspaces.types.ts";

export const getWorkspace = authedProcedure
  .meta({
    access: workspaceAccess("workspaces.get"),
    rest: { method: "GET", path: "/api/workspaces/:id", surface: "workspaces", tags: ["workspaces"], summary: "Get workspace details", auth: ["cookie", "bearer"] },
  })
  .input(ZWorkspaceIdInput)
  .output(ZWorkspace)
  .query(({ ctx, input }) => getOne(ctx.services.db, { userId: ctx.auth.userId, workspaceId: input.id }));
