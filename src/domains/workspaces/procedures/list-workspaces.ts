import { z } from "zod";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { listWorkspaces as listOwn } from "../service.ts";
import { ZWorkspace } from "../workspaces.types.ts";

export const listWorkspaces = authedProcedure
  .meta({
    access: "user",
    rest: { method: "GET", path: "/api/workspaces", surface: "workspaces", tags: ["workspaces"], summary: "List workspaces for current user", auth: ["cookie", "bearer"] },
  })
  .output(z.object({ workspaces: z.array(ZWorkspace) }))
  .query(async ({ ctx }) => ({ workspaces: await listOwn(ctx.services.db, ctx.auth.userId) }));
