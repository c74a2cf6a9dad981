import { z } from "zod";
import { SESSION_STATUSES } from "../../../db/schema/index.ts";

export const ZSessionId = z.string().regex(/^ses_[A-Za-z0-9]{8,40}$/, "must be a session id (ses_…)");

/** The documented SessionResponse: id, status, stream_url, plus times, driver and, for the owner, the device. */
export const ZSessionResponse = z.object({
  id: z.string(),
  status: z.enum(SESSION_STATUSES),
  stream_url: z.string(),
  driver: z.string(),
  created_at: z.date(),
  active_at: z.date().nullable(),
  ended_at: z.date().nullable(),
  error: z.string().nullable(),
  end_reason: z.string().nullable(),
  /** Skill sync at the end: syncing, synced, retrying (the queue retries a failed sync), failed. */
  sync_status: z.string().nullable(),
  device: z.object({ adb_address: z.string().nullable(), container_id: z.string().nullable() }).nullable(),
});
export type TSessionResponse = z.infer<typeof ZSessionResponse>;

export const ZSessionIdInput = z.object({ id: ZSessionId });

/** A screen coordinate for the device gateway's tap and swipe. */
export const ZCoordinate = z.number().int().min(0).max(10_000);

/**
 * Standard base64 (line breaks allowed, padding optional). Checked here because Buffer.from
 * decodes anything, silently skipping what is not base64: garbage would reach the device.
 */
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;
export const ZBase64 = (min: number, max: number) =>
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

export const ZOk = z.object({ ok: z.literal(true) });
