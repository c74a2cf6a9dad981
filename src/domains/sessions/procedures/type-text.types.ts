import { z } from "zod";
import { ZSessionId } from "../sessions.types.ts";

export { ZOk } from "../sessions.types.ts";
/** `adb shell input text` types printable ASCII only; Enter, Tab and other keys go through keyevent. */
export const ZTextInput = z.object({
  id: ZSessionId,
  text: z
    .string()
    .min(1)
    .max(2_000)
    .regex(/^[\x20-\x7e]+$/, "must be printable ASCII (the device's input text types nothing else); send Enter, Tab and other keys with keyevent"),
});
