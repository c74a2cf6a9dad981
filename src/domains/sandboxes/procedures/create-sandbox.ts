import { authedProcedure } from "../../../trpc/procedures.ts";
import { workspaceAccess } from "../../workspaces/index.ts";
import { ZSandbox } from "../sandboxes.types.ts";
import { createSandbox as createOne, renderSandbox } from "../service.ts";
import { CREATE_SANDBOX_DESCRIPTION, ZCreateSandboxInput } from "./create-sandbox.types.ts";

export const createSandbox = authedProcedure
  .meta({
    access: workspaceAccess("sandboxes.create"),
    rest: {
      method: "POST",
      path: "/api/workspaces/:id/sandboxes",
      surface: "workspaces",
      status: 201,
      tags: ["sandboxes"],
      summary: "Create sandbox (developer+)",
      description: CREATE_SANDBOX_DESCRIPTION,
      auth: ["cookie", "bearer"],
      errors: { 403: "The caller is a viewer.", 503: "SANDBOX_CAPACITY reached, or the type's image is not on the engine; Retry-After: 30." },
    },
  })
  .input(ZCreateSandboxInput)
  .output(ZSandbox)
  .mutation(async ({ ctx, input }) =>
    renderSandbox(ctx.services, await createOne(ctx.services, { userId: ctx.auth.userId, workspaceId: input.id, name: input.name, type: input.type })),
  );
