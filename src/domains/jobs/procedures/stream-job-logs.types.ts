import { z } from "zod";
import { ZJobId } from "../jobs.types.ts";

export const ZStreamJobLogsInput = z.object({
  id: ZJobId,
  /** Resume after this event id (the SSE Last-Event-ID). */
  lastEventId: z.string().regex(/^\d{1,9}$/).optional(),
});
