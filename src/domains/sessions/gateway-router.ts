import type { Principal } from "../../auth/principal.ts";
import { JSON_ENVELOPE_BYTES } from "../../trpc/meta.ts";
import type { RestMeta } from "../../trpc/meta.ts";
import { authedProcedure } from "../../trpc/procedures.ts";
import type { Context } from "../../trpc/context.ts";
import { QUOTA_ERROR_DOC } from "../storage/quota.ts";
import { installApk, pushFile, runShell, sendInput, takeScreenshot } from "./gateway-service.ts";
import {
  ZInstallInput,
  ZInstallOutput,
  ZKeyeventInput,
  ZOk,
  ZPushInput,
  ZScreenshotOutput,
  ZShellInput,
  ZShellOutput,
  ZSwipeInput,
  ZTapInput,
  ZTextInput,
} from "./gateway.types.ts";
import { ZSessionIdInput } from "./sessions.types.ts";

type Authed = Context & { auth: Principal };
const rest = (method: "GET" | "POST", action: string, summary: string, errors: Record<number, string> = {}): { rest: RestMeta } => ({
  rest: {
    method,
    path: `/api/sessions/:id/${action}`,
    surface: "mobile",
    summary,
    auth: ["bearer"],
    errors: { 409: "The session is not active: the device is reachable only while it is.", ...errors },
  },
});
/** Uploads: the bytes must be base64 (400 otherwise) and fit the owner's storage quota. */
const uploadErrors = { 403: QUOTA_ERROR_DOC };
const call = (ctx: Authed, sessionId: string) => ({ services: ctx.services, userId: ctx.auth.userId, sessionId, requestId: ctx.request.requestId });

/** The device gateway: drive an active session's phone. Owner only; every call is logged. */
export const gatewayProcedures = {
  shell: authedProcedure
    .meta({ access: "owner", longRunning: true, ...rest("POST", "shell", "Run a shell command on the device") })
    .input(ZShellInput)
    .output(ZShellOutput)
    .mutation(({ ctx, input }) => runShell(call(ctx, input.id), input.command, input.timeout_ms)),

  screenshot: authedProcedure
    .meta({ access: "owner", longRunning: true, rest: { ...rest("GET", "screenshot", "Screenshot (PNG)").rest, binary: { base64Field: "base64", contentType: "image/png" } } })
    .input(ZSessionIdInput)
    .output(ZScreenshotOutput)
    .query(({ ctx, input }) => takeScreenshot(call(ctx, input.id))),

  tap: authedProcedure
    .meta({ access: "owner", ...rest("POST", "tap", "Tap at x, y") })
    .input(ZTapInput)
    .output(ZOk)
    .mutation(({ ctx, input }) => sendInput(call(ctx, input.id), "tap", (d) => d.tap(input.x, input.y))),

  swipe: authedProcedure
    .meta({ access: "owner", ...rest("POST", "swipe", "Swipe from x1, y1 to x2, y2") })
    .input(ZSwipeInput)
    .output(ZOk)
    .mutation(({ ctx, input }) => sendInput(call(ctx, input.id), "swipe", (d) => d.swipe(input.x1, input.y1, input.x2, input.y2, input.duration_ms))),

  text: authedProcedure
    .meta({ access: "owner", ...rest("POST", "text", "Type text") })
    .input(ZTextInput)
    .output(ZOk)
    .mutation(({ ctx, input }) => sendInput(call(ctx, input.id), "text", (d) => d.text(input.text))),

  keyevent: authedProcedure
    .meta({ access: "owner", ...rest("POST", "keyevent", "Send a key event") })
    .input(ZKeyeventInput)
    .output(ZOk)
    .mutation(({ ctx, input }) => sendInput(call(ctx, input.id), "keyevent", (d) => d.keyevent(input.key, { longpress: input.longpress ?? false }))),

  install: authedProcedure
    // 128 MiB, the ceiling Bun always put on a body (the schema's 200M characters never fitted).
    .meta({ access: "owner", longRunning: true, maxBodyBytes: 128 * 1024 * 1024, ...rest("POST", "install", "Install an APK (kept in the blob store)", uploadErrors) })
    .input(ZInstallInput)
    .output(ZInstallOutput)
    .mutation(({ ctx, input }) => installApk(call(ctx, input.id), Buffer.from(input.apk_base64, "base64"))),

  push: authedProcedure
    .meta({ access: "owner", longRunning: true, maxBodyBytes: 50_000_000 + JSON_ENVELOPE_BYTES, ...rest("POST", "files", "Write a file on the device (the workspace lives under /data/workspace)", uploadErrors) })
    .input(ZPushInput)
    .output(ZOk)
    .mutation(({ ctx, input }) => pushFile(call(ctx, input.id), input.path, Buffer.from(input.content_base64, "base64"))),
};
