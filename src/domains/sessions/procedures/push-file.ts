import { JSON_ENVELOPE_BYTES } from "../../../trpc/meta.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { pushFile as pushToDevice, UPLOAD_ERRORS } from "../gateway-service.ts";
import { ZOk, ZPushInput } from "./push-file.types.ts";

export const pushFile = authedProcedure
  .meta({
    access: "owner",
    longRunning: true,
    maxBodyBytes: 50_000_000 + JSON_ENVELOPE_BYTES,
    rest: {
      method: "POST",
      path: "/api/sessions/:id/files",
      surface: "mobile",
      summary: "Write a file on the device (the workspace lives under /data/workspace)",
      auth: ["bearer"],
      errors: UPLOAD_ERRORS,
    },
  })
  .input(ZPushInput)
  .output(ZOk)
  .mutation(({ ctx, input }) =>
    pushToDevice({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }, input.path, Buffer.from(input.content_base64, "base64")),
  );
