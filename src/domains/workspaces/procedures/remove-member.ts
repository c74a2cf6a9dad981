import { forgetWorkspaceRoutes } from "../../sandboxes/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../access.ts";
import { removeMember as removeOne } from "../service.ts";
import { ZMemberInput, ZOk } from "../workspaces.types.ts";

export const removeMember = authedProcedure
  .meta({
    access: workspaceAccess("workspaces.removeMember"),
    rest: {
      method: "DELETE",
      path: "/api/workspaces/:id/members/:userId",
      surface: "workspaces",
      tags: ["members"],
      summary: "Remove member (owner)",
      description: "An owner removes a member; any member may remove themselves (leave). The last owner cannot leave (400).",
      auth: ["cookie", "bearer"],
      errors: { 400: "The member is the workspace's last owner.", 403: "The caller is not an owner (and not removing themselves)." },
    },
  })
  .input(ZMemberInput)
  .output(ZOk)
  .mutation(async ({ ctx, input }) => {
    await removeOne(ctx.services.db, { userId: ctx.auth.userId, workspaceId: input.id, memberUserId: input.userId });
    await forgetWorkspaceRoutes(ctx.services, input.id);
    return { ok: true as const };
  });
