import { authedProcedure } from "../../../trpc/procedures.ts";
import { GATEWAY_ERRORS, sendInput } from "../gateway-service.ts";
import { ZKeyeventInput, ZOk } from "./send-keyevent.types.ts";

export const sendKeyevent = authedProcedure
  .meta({ access: "owner", rest: { method: "POST", path: "/api/sessions/:id/keyevent", surface: "mobile", summary: "Send a key event", auth: ["bearer"], errors: GATEWAY_ERRORS } })
  .input(ZKeyeventInput)
  .output(ZOk)
  .mutation(({ ctx, input }) =>
    sendInput({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }, "keyevent", (d) =>
      d.keyevent(input.key, { longpress: input.longpress ?? false }),
    ),
  );
