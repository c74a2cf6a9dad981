import { authedProcedure } from "../../../trpc/procedures.ts";
import { toSessionResponse } from "../records.ts";
import { startSession } from "../service.ts";
import { CREATE_SESSION_DESCRIPTION, CREATE_SESSION_ERRORS, ZSessionResponse } from "./create-session.types.ts";

export const createSession = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/sessions",
      surface: "mobile",
      status: 201,
      summary: "Allocate a device and start a session",
      description: CREATE_SESSION_DESCRIPTION,
      auth: ["bearer"],
      errors: CREATE_SESSION_ERRORS,
    },
  })
  .output(ZSessionResponse)
  .mutation(async ({ ctx }) => toSessionResponse(await startSession(ctx.services, ctx.auth.userId, ctx.request.ip), ctx.services.baseUrl()));
