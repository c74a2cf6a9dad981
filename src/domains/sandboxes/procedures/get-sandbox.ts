import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { ZSandbox, ZSandboxIdInput } from "../sandboxes.types.ts";
import { getSandbox as getOne, renderSandbox } from "../service.ts";

export const getSandbox = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.get"),
    rest: { method: "GET", path: "/api/sandboxes/:id", surface: "workspaces", tags: ["sandboxes"], summary: "Get sandbox details", auth: ["cookie", "bearer"] },
  })
  .input(ZSandboxIdInput)
  .output(ZSandbox)
  .query(async ({ ctx, input }) => renderSandbox(ctx.services, await getOne(ctx.services, { userId: ctx.auth.userId, sandboxId: input.id })));
