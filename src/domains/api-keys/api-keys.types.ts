import { z } from "zod";

/** What a key looks like after creation: never the key, never its hash. */
export const ZApiKeySummary = z.object({
  id: z.string(),
  name: z.string(),
  /** `oc_live_` and the first characters of the key, to tell keys apart. */
  prefix: z.string(),
  primary: z.boolean(),
  expires_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  last_used_at: z.date().nullable(),
  created_at: z.date(),
});
export type TApiKeySummary = z.infer<typeof ZApiKeySummary>;
