import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { ZSandbox, ZSandboxIdInput } from "../sandboxes.types.ts";
import { deleteSandbox as deleteOne, renderSandbox } from "../service.ts";

export const deleteSandbox = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.delete"),
    rest: {
      method: "DELETE",
      path: "/api/sandboxes/:id",
      surface: "workspaces",
      tags: ["sandboxes"],
      summary: "Delete sandbox",
      description: "Answers with status `deleting` (its Anthropic proxy token already refused); a queued job removes the container and volume, then `deleted`.",
      auth: ["cookie", "bearer"],
      errors: { 403: "The caller is a viewer." },
    },
  })
  .input(ZSandboxIdInput)
  .output(ZSandbox)
  .mutation(async ({ ctx, input }) => renderSandbox(ctx.services, await deleteOne(ctx.services, { userId: ctx.auth.userId, sandboxId: input.id })));
