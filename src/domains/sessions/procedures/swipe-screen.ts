import { authedProcedure } from "../../../trpc/procedures.ts";
import { GATEWAY_ERRORS, sendInput } from "../gateway-service.ts";
import { ZOk, ZSwipeInput } from "./swipe-screen.types.ts";

export const swipeScreen = authedProcedure
  .meta({ access: "owner", rest: { method: "POST", path: "/api/sessions/:id/swipe", surface: "mobile", summary: "Swipe from x1, y1 to x2, y2", auth: ["bearer"], errors: GATEWAY_ERRORS } })
  .input(ZSwipeInput)
  .output(ZOk)
  .mutation(({ ctx, input }) =>
    sendInput({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }, "swipe", (d) =>
      d.swipe(input.x1, input.y1, input.x2, input.y2, input.duration_ms),
    ),
  );
