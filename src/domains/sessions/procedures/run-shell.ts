import { authedProcedure } from "../../../trpc/procedures.ts";
import { GATEWAY_ERRORS, runShell as runDeviceShell } from "../gateway-service.ts";
import { ZShellInput, ZShellOutput } from "./run-shell.types.ts";

export const runShell = authedProcedure
  .meta({
    access: "owner",
    longRunning: true,
    rest: { method: "POST", path: "/api/sessions/:id/shell", surface: "mobile", summary: "Run a shell command on the device", auth: ["bearer"], errors: GATEWAY_ERRORS },
  })
  .input(ZShellInput)
  .output(ZShellOutput)
  .mutation(({ ctx, input }) =>
    runDeviceShell({ services: ctx.services, userId: ctx.auth.userId, sessionId: input.id, requestId: ctx.request.requestId }, input.command, input.timeout_ms),
  );
