import { authedProcedure } from "../../../trpc/procedures.ts";
import { installApk as installOnDevice, UPLOAD_ERRORS } from "../gateway-service.ts";
import { ZInstallInput, ZInstallOutput } from "./install-apk.types.ts";

export const installApk = authedProcedure
  .meta({
    access: "owner",
    longRunning: true,
    // 128 MiB, the ceiling Bun always put on a body (the schema's 200M characters never fitted).
    maxBodyBytes: 128 * 1024 * 1024,
    rest: { method: "POST", path: "/api/sessions/:id/install", surface: "mobile", summary: "Install an APK (kept in the blob store)", auth: ["bearer"], errors: UPLOAD_ERRORS },
  })
  .input(ZInstallInput)
  .output(ZInstallOutput)
  .mutation(({ ctx, input }) =>
    installOnDevice({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }, Buffer.from(input.apk_base64, "base64")),
  );
