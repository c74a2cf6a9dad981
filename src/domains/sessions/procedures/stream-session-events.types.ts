import { z } from "zod";
import { ZSessionId } from "../sessions.types.ts";

export const ZStreamSessionEventsInput = z.object({
  id: ZSessionId,
  /** Resume after this event id (the SSE Last-Event-ID). */
  lastEventId: z.string().regex(/^\d+$/).optional(),
});
