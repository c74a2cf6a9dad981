import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { readSandboxFile } from "../exec.ts";
import { ZReadFileInput, ZReadFileOutput } from "./sandbox-files.types.ts";

export const readFile = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.readFile"),
    rest: {
      method: "GET",
      path: "/api/sandboxes/:id/files",
      surface: "workspaces",
      tags: ["sandboxes"],
      summary: "Read a file in a sandbox (developer+)",
      description: "`?path=/abs/path`; at most 8 MiB, answered base64. Audited.",
      auth: ["cookie", "bearer"],
      errors: { 403: "The caller is a viewer.", 409: "The sandbox is not running.", 413: "The file is larger than 8 MiB.", 503: "The sandbox is simulated (no container engine)." },
    },
  })
  .input(ZReadFileInput)
  .output(ZReadFileOutput)
  .query(({ ctx, input }) => readSandboxFile(ctx.services, ctx.actor, { sandboxId: input.id, path: input.path }));
