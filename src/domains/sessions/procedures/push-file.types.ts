import { z } from "zod";
import { ZBase64, ZSessionId } from "../sessions.types.ts";

export { ZOk } from "../sessions.types.ts";
export const ZPushInput = z.object({
  id: ZSessionId,
  /** Absolute device path under /data/workspace or /sdcard. */
  path: z.string().regex(/^\/(data\/workspace|sdcard)\/[^\0]+$/, "must be under /data/workspace/ or /sdcard/").refine((p) => !p.split("/").includes(".."), "must not contain .."),
  content_base64: ZBase64(0, 50_000_000),
});
