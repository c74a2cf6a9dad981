import { z } from "zod";
import { ZSessionId } from "./sessions.types.ts";

const coordinate = z.number().int().min(0).max(10_000);

export const ZShellInput = z.object({ id: ZSessionId, command: z.string().min(1).max(8_000), timeout_ms: z.number().int().min(100).max(120_000).default(30_000) });
export const ZShellOutput = z.object({ exit_code: z.number().int().nullable(), stdout: z.string(), stderr: z.string() });

export const ZTapInput = z.object({ id: ZSessionId, x: coordinate, y: coordinate });
export const ZSwipeInput = z.object({ id: ZSessionId, x1: coordinate, y1: coordinate, x2: coordinate, y2: coordinate, duration_ms: z.number().int().min(0).max(10_000).optional() });
/** `adb shell input text` types printable ASCII only; Enter, Tab and other keys go through keyevent. */
export const ZTextInput = z.object({
  id: ZSessionId,
  text: z
    .string()
    .min(1)
    .max(2_000)
    .regex(/^[\x20-\x7e]+$/, "must be printable ASCII (the device's input text types nothing else); send Enter, Tab and other keys with keyevent"),
});
export const ZKeyeventInput = z.object({ id: ZSessionId, key: z.union([z.number().int().min(0).max(1_000), z.string().regex(/^KEYCODE_[A-Z0-9_]+$/)]), longpress: z.boolean().optional() });
/**
 * Standard base64 (line breaks allowed, padding optional). Checked here because Buffer.from
 * decodes anything, silently skipping what is not base64: garbage would reach the device.
 */
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;
const ZBase64 = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine(isBase64, "must be base64 (A-Z, a-z, 0-9, + and /, = padding)");

function isBase64(value: string): boolean {
  if (!BASE64.test(value)) return false;
  const digits = /[\r\n]/.test(value) ? value.replace(/[\r\n]/g, "").length : value.length;
  // One character past a whole group encodes no byte: a truncated string.
  return digits % 4 !== 1;
}

export const ZInstallInput = z.object({ id: ZSessionId, apk_base64: ZBase64(4, 200_000_000), filename: z.string().max(200).optional() });
export const ZPushInput = z.object({
  id: ZSessionId,
  /** Absolute device path under /data/workspace or /sdcard. */
  path: z.string().regex(/^\/(data\/workspace|sdcard)\/[^\0]+$/, "must be under /data/workspace/ or /sdcard/").refine((p) => !p.split("/").includes(".."), "must not contain .."),
  content_base64: ZBase64(0, 50_000_000),
});

export const ZOk = z.object({ ok: z.literal(true) });
export const ZInstallOutput = z.object({ ok: z.boolean(), output: z.string(), object_key: z.string() });
export const ZScreenshotOutput = z.object({ content_type: z.literal("image/png"), base64: z.string(), size: z.number().int() });
