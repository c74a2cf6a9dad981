import { z } from "zod";
import { ZSessionId } from "../sessions.types.ts";

export { ZOk } from "../sessions.types.ts";
export const ZKeyeventInput = z.object({ id: ZSessionId, key: z.union([z.number().int().min(0).max(1_000), z.string().regex(/^KEYCODE_[A-Z0-9_]+$/)]), longpress: z.boolean().optional() });
