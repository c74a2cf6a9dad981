import { authedProcedure } from "../../../trpc/procedures.ts";
import { requireOwnSession, toSessionResponse } from "../records.ts";
import { ZGetSessionInput, ZSessionResponse } from "./get-session.types.ts";

export const getSession = authedProcedure
  .meta({ access: "owner", rest: { method: "GET", path: "/api/sessions/:id", surface: "mobile", summary: "Fetch a session's current state", auth: ["bearer"] } })
  .input(ZGetSessionInput)
  .output(ZSessionResponse)
  .query(async ({ ctx, input }) => toSessionResponse(await requireOwnSession(ctx.services.db, input.id, ctx.auth.userId), ctx.services.baseUrl()));
