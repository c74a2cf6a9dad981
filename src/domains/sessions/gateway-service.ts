import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import type { AndroidDevice } from "../../../drivers/device/types.ts";
import { AppError, messageOf } from "../../platform/errors.ts";
import type { Services } from "../../platform/services.ts";
import { keepUpload, pushWithinQuota, QUOTA_ERROR_DOC } from "../storage/index.ts";
import { requireOwnSession } from "./records.ts";

/** What every gateway route documents: the device answers only while the session is active. */
export const GATEWAY_ERRORS = { 409: "The session is not active: the device is reachable only while it is." };
/** Uploads: the bytes must be base64 (400 otherwise) and fit the owner's storage quota. */
export const UPLOAD_ERRORS = { ...GATEWAY_ERRORS, 403: QUOTA_ERROR_DOC };

export interface GatewayCall {
  services: Services;
  userId: string;
  sessionId: string;
  requestId: string;
}

async function withDevice<T>(call: GatewayCall, action: string, work: (device: AndroidDevice) => Promise<T>): Promise<T> {
  const session = await requireOwnSession(call.services.db, call.sessionId, call.userId);
  const device = await call.services.modules.sessions.gateway.device(session);
  call.services.logger.info("device gateway call", { sessionId: call.sessionId, userId: call.userId, action, requestId: call.requestId });
  try {
    return await work(device);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("BAD_GATEWAY", `Device ${action} failed: ${messageOf(error)}`);
  }
}

export function runShell(call: GatewayCall, command: string, timeoutMs: number) {
  return withDevice(call, "shell", async (device) => {
    const result = await device.shell(command, { timeoutMs });
    return { exit_code: result.exitCode ?? null, stdout: result.stdout, stderr: result.stderr };
  });
}

export function takeScreenshot(call: GatewayCall) {
  return withDevice(call, "screenshot", async (device) => {
    const png = await device.screenshot({ timeoutMs: 30_000 });
    return { content_type: "image/png" as const, base64: Buffer.from(png).toString("base64"), size: png.byteLength };
  });
}

export function sendInput(call: GatewayCall, action: string, work: (device: AndroidDevice) => Promise<void>) {
  return withDevice(call, action, async (device) => {
    await work(device);
    return { ok: true as const };
  });
}

const quotaOf = (call: GatewayCall) => ({ db: call.services.db, quotaBytes: call.services.config.devices.storageQuotaBytes });

/** The pushed bytes count against the owner's storage quota while the device lives. */
export function pushFile(call: GatewayCall, path: string, bytes: Uint8Array) {
  return withDevice(call, "push", (device) =>
    pushWithinQuota(quotaOf(call), { userId: call.userId, sessionId: call.sessionId, sizeBytes: bytes.byteLength }, async () => {
      const dir = path.slice(0, path.lastIndexOf("/"));
      await device.shell(`mkdir -p '${dir.replaceAll("'", "'\\''")}'`, { timeoutMs: 10_000 });
      await device.push(path, bytes, { timeoutMs: 60_000 });
      return { ok: true as const };
    }),
  );
}

/** The APK goes to the blob store first (kept, content-addressed, within the owner's quota), then onto the device. */
export function installApk(call: GatewayCall, apk: Uint8Array) {
  return withDevice(call, "install", async (device) => {
    const objectKey = `apks/${call.userId}/${encodeHexLowerCase(sha256(apk))}.apk`;
    await keepUpload(quotaOf(call), { userId: call.userId, objectKey, sizeBytes: apk.byteLength }, () =>
      call.services.blobs.put(objectKey, apk, { contentType: "application/vnd.android.package-archive" }),
    );
    const result = await device.install(apk, { timeoutMs: 120_000 });
    const output = (result.stdout + result.stderr).trim();
    return { ok: result.exitCode === undefined ? /success/i.test(output) : result.exitCode === 0, output, object_key: objectKey };
  });
}
