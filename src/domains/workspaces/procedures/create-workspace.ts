import { authedProcedure } from "../../../trpc/procedures.ts";
import { createWorkspace as createOwn } from "../service.ts";
import { ZWorkspace } from "../workspaces.types.ts";
import { ZCreateWorkspaceInput } from "./create-workspace.types.ts";

export const createWorkspace = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/workspaces",
      surface: "workspaces",
      status: 201,
      tags: ["workspaces"],
      summary: "Create workspace (caller becomes owner)",
      auth: ["cookie", "bearer"],
    },
  })
  .input(ZCreateWorkspaceInput)
  .output(ZWorkspace)
  .mutation(({ ctx, input }) => createOwn(ctx.services.db, { userId: ctx.auth.userId, name: input.name, autoResume: input.auto_resume }));
