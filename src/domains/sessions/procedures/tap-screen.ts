import { authedProcedure } from "../../../trpc/procedures.ts";
import { GATEWAY_ERRORS, sendInput } from "../gateway-service.ts";
import { ZOk, ZTapInput } from "./tap-screen.types.ts";

export const tapScreen = authedProcedure
  .meta({ access: "owner", rest: { method: "POST", path: "/api/sessions/:id/tap", surface: "mobile", summary: "Tap at x, y", auth: ["bearer"], errors: GATEWAY_ERRORS } })
  .input(ZTapInput)
  .output(ZOk)
  .mutation(({ ctx, input }) =>
    sendInput({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }, "tap", (d) => d.tap(input.x, input.y)),
  );
