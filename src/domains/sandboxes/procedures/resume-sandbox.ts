import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { ZSandbox, ZSandboxIdInput } from "../sandboxes.types.ts";
import { renderSandbox, resumeSandbox as resumeOne } from "../service.ts";

export const resumeSandbox = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.resume"),
    longRunning: true,
    rest: {
      method: "POST",
      path: "/api/sandboxes/:id/resume",
      surface: "workspaces",
      tags: ["sandboxes"],
      summary: "Resume sandbox (cloud only)",
      description:
        "A new container on the same state volume, with a fresh proxy token; answers once the program passes its readiness check " +
        "(status `running`), or `error` with a reason. A sandbox still starting when the wait ends is answered `paused`: poll it.",
      auth: ["cookie", "bearer"],
      errors: { 400: "A local sandbox (cloud only).", 403: "The caller is a viewer.", 409: "The sandbox is not paused." },
    },
  })
  .input(ZSandboxIdInput)
  .output(ZSandbox)
  .mutation(async ({ ctx, input, signal }) =>
    renderSandbox(ctx.services, await resumeOne(ctx.services, { userId: ctx.auth.userId, sandboxId: input.id, signal })),
  );
