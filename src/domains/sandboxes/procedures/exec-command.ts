import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { execInSandbox } from "../exec.ts";
import { ZExecInput, ZExecOutput } from "./exec-command.types.ts";

export const execCommand = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.exec"),
    longRunning: true,
    maxBodyBytes: 1_100_000,
    rest: {
      method: "POST",
      path: "/api/sandboxes/:id/exec",
      surface: "workspaces",
      tags: ["sandboxes"],
      summary: "Run a command in a sandbox (developer+)",
      description: "Body `{ command, timeout_s?, stdin? }`; answers the exit code, stdout and stderr. Audited.",
      auth: ["cookie", "bearer"],
      errors: { 403: "The caller is a viewer.", 409: "The sandbox is not running.", 503: "The sandbox is simulated (no container engine)." },
    },
  })
  .input(ZExecInput)
  .output(ZExecOutput)
  .mutation(({ ctx, input }) =>
    execInSandbox(ctx.services, ctx.actor, { sandboxId: input.id, command: input.command, timeoutS: input.timeout_s, stdin: input.stdin }),
  );
