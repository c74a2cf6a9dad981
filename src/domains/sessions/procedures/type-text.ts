import { authedProcedure } from "../../../trpc/procedures.ts";
import { GATEWAY_ERRORS, sendInput } from "../gateway-service.ts";
import { ZOk, ZTextInput } from "./type-text.types.ts";

export const typeText = authedProcedure
  .meta({ access: "owner", rest: { method: "POST", path: "/api/sessions/:id/text", surface: "mobile", summary: "Type text", auth: ["bearer"], errors: GATEWAY_ERRORS } })
  .input(ZTextInput)
  .output(ZOk)
  .mutation(({ ctx, input }) =>
    sendInput({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }, "text", (d) => d.text(input.text)),
  );
