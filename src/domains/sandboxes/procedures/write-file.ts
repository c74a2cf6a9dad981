import { authedProcedure } from "../../../trpc/procedures.ts";
import { JSON_ENVELOPE_BYTES } from "../../../trpc/meta.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { writeSandboxFile } from "../exec.ts";
import { WRITE_FILE_MAX_BASE64, ZWriteFileInput, ZWriteFileOutput } from "./sandbox-files.types.ts";

export const writeFile = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.writeFile"),
    maxBodyBytes: WRITE_FILE_MAX_BASE64 + JSON_ENVELOPE_BYTES,
    rest: {
      method: "PUT",
      path: "/api/sandboxes/:id/files",
      surface: "workspaces",
      tags: ["sandboxes"],
      summary: "Write a file in a sandbox (developer+)",
      description: "Body `{ path, content_base64 }` (at most 8 MiB); parent directories are made. Audited.",
      auth: ["cookie", "bearer"],
      errors: { 403: "The caller is a viewer.", 409: "The sandbox is not running.", 503: "The sandbox is simulated (no container engine)." },
    },
  })
  .input(ZWriteFileInput)
  .output(ZWriteFileOutput)
  .mutation(({ ctx, input }) => writeSandboxFile(ctx.services, ctx.actor, { sandboxId: input.id, path: input.path, contentBase64: input.content_base64 }));
