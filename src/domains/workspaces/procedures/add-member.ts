import { forgetWorkspaceRoutes } from "../../sandboxes/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../access.ts";
import { addMember as addOne } from "../service.ts";
import { ZMember } from "../workspaces.types.ts";
import { ZAddMemberInput } from "./add-member.types.ts";

export const addMember = authedProcedure
  .meta({
    access: workspaceAccess("workspaces.addMember"),
    rest: {
      method: "POST",
      path: "/api/workspaces/:id/members",
      surface: "workspaces",
      status: 201,
      tags: ["members"],
      summary: "Add member (owner/maintainer)",
      description: "Body `{ email, role }` or `{ user_id, role }`: an existing user (unknown is 404). Only an owner may add an owner.",
      auth: ["cookie", "bearer"],
      errors: { 403: "The caller is below maintainer, or a maintainer adding an owner.", 409: "The user is already a member." },
    },
  })
  .input(ZAddMemberInput)
  .output(ZMember)
  .mutation(async ({ ctx, input }) => {
    const member = await addOne(ctx.services.db, { userId: ctx.auth.userId, workspaceId: input.id, role: input.role, email: input.email, memberUserId: input.user_id });
    await forgetWorkspaceRoutes(ctx.services, input.id);
    return member;
  });
