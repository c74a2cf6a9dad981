import { z } from "zod";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { ZSandbox } from "../sandboxes.types.ts";
import { listSandboxes as listAll, renderSandbox } from "../service.ts";
import { ZListSandboxesInput } from "./list-sandboxes.types.ts";

export const listSandboxes = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.list"),
    rest: { method: "GET", path: "/api/workspaces/:id/sandboxes", surface: "workspaces", tags: ["sandboxes"], summary: "List sandboxes in workspace", auth: ["cookie", "bearer"] },
  })
  .input(ZListSandboxesInput)
  .output(z.object({ sandboxes: z.array(ZSandbox) }))
  .query(async ({ ctx, input }) => {
    const rows = await listAll(ctx.services, { userId: ctx.auth.userId, workspaceId: input.id });
    return { sandboxes: rows.map((row) => renderSandbox(ctx.services, row)) };
  });
