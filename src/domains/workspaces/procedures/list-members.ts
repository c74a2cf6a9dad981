import { z } from "zod";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../access.ts";
import { listMembers as listAll } from "../service.ts";
import { ZMember, ZWorkspaceIdInput } from "../workspaces.types.ts";

export const listMembers = authedProcedure
  .meta({
    access: workspaceAccess("workspaces.listMembers"),
    rest: { method: "GET", path: "/api/workspaces/:id/members", surface: "workspaces", tags: ["members"], summary: "List members", auth: ["cookie", "bearer"] },
  })
  .input(ZWorkspaceIdInput)
  .output(z.object({ members: z.array(ZMember) }))
  .query(async ({ ctx, input }) => ({ members: await listAll(ctx.services.db, { userId: ctx.auth.userId, workspaceId: input.id }) }));
