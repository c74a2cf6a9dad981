import { z } from "zod";
import { ZCoordinate, ZSessionId } from "../sessions.types.ts";

export { ZOk } from "../sessions.types.ts";
export const ZSwipeInput = z.object({
  id: ZSessionId,
  x1: ZCoordinate,
  y1: ZCoordinate,
  x2: ZCoordinate,
  y2: ZCoordinate,
  duration_ms: z.number().int().min(0).max(10_000).optional(),
});
