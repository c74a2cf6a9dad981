import { forgetWorkspaceRoutes } from "../../sandboxes/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../access.ts";
import { updateMemberRole } from "../service.ts";
import { ZMember } from "../workspaces.types.ts";
import { ZUpdateMemberInput } from "./update-member.types.ts";

export const updateMember = authedProcedure
  .meta({
    access: workspaceAccess("workspaces.updateMember"),
    rest: {
      method: "PUT",
      path: "/api/workspaces/:id/members/:userId",
      surface: "workspaces",
      tags: ["members"],
      summary: "Update member role (owner)",
      description: "Body `{ role }`. The last owner cannot be demoted (400).",
      auth: ["cookie", "bearer"],
      errors: { 400: "The member is the workspace's last owner.", 403: "The caller is not an owner." },
    },
  })
  .input(ZUpdateMemberInput)
  .output(ZMember)
  .mutation(async ({ ctx, input }) => {
    const member = await updateMemberRole(ctx.services.db, { userId: ctx.auth.userId, workspaceId: input.id, memberUserId: input.userId, role: input.role });
    await forgetWorkspaceRoutes(ctx.services, input.id);
    return member;
  });
