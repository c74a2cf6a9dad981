import { authedProcedure } from "../../../trpc/procedures.ts";
import { GATEWAY_ERRORS, takeScreenshot as takeDeviceScreenshot } from "../gateway-service.ts";
import { ZScreenshotInput, ZScreenshotOutput } from "./take-screenshot.types.ts";

export const takeScreenshot = authedProcedure
  .meta({
    access: "owner",
    longRunning: true,
    rest: {
      method: "GET",
      path: "/api/sessions/:id/screenshot",
      surface: "mobile",
      summary: "Screenshot (PNG)",
      auth: ["bearer"],
      errors: GATEWAY_ERRORS,
      binary: { base64Field: "base64", contentType: "image/png" },
    },
  })
  .input(ZScreenshotInput)
  .output(ZScreenshotOutput)
  .query(({ ctx, input }) => takeDeviceScreenshot({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }));
