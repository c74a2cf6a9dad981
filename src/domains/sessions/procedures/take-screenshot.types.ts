import { z } from "zod";

export { ZSessionIdInput as ZScreenshotInput } from "../sessions.types.ts";
export const ZScreenshotOutput = z.object({ content_type: z.literal("image/png"), base64: z.string(), size: z.number().int() });
