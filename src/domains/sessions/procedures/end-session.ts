import { authedProcedure } from "../../../trpc/procedures.ts";
import { toSessionResponse } from "../records.ts";
import { endSession as endOwnSession } from "../service.ts";
import { ZEndSessionInput, ZSessionResponse } from "./end-session.types.ts";

export const endSession = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "DELETE",
      path: "/api/sessions/:id",
      surface: "mobile",
      summary: "End a session: skills sync, the container is destroyed, the workspace is wiped",
      description: "If the skill sync fails the session stays `ending` (sync_status `retrying`) and nothing is destroyed until a retried sync succeeds.",
      auth: ["bearer"],
    },
  })
  .input(ZEndSessionInput)
  .output(ZSessionResponse)
  .mutation(async ({ ctx, input }) => toSessionResponse(await endOwnSession(ctx.services, ctx.auth.userId, input.id), ctx.services.baseUrl()));
