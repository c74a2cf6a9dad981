import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { ZSandbox, ZSandboxIdInput } from "../sandboxes.types.ts";
import { pauseSandbox as pauseOne, renderSandbox } from "../service.ts";

export const pauseSandbox = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.pause"),
    rest: {
      method: "POST",
      path: "/api/sandboxes/:id/pause",
      surface: "workspaces",
      tags: ["sandboxes"],
      summary: "Pause sandbox (cloud only)",
      description: "The container is removed and its proxy token revoked; the state volume is kept for resume.",
      auth: ["cookie", "bearer"],
      errors: { 400: "A local sandbox (cloud only).", 403: "The caller is a viewer.", 409: "The sandbox is not running." },
    },
  })
  .input(ZSandboxIdInput)
  .output(ZSandbox)
  .mutation(async ({ ctx, input }) => renderSandbox(ctx.services, await pauseOne(ctx.services, { userId: ctx.auth.userId, sandboxId: input.id })));
