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

export const ZSessionEventsInput = z.object({
  id: ZSessionId,
  /** Resume after this event id (the SSE Last-Event-ID). */
  lastEventId: z.string().regex(/^\d+$/).optional(),
});
