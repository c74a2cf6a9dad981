import { z } from "zod";

export const ZCreateApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  /** Optional expiry; must be in the future. */
  expires_at: z.date().optional(),
});
export type TCreateApiKeyInput = z.infer<typeof ZCreateApiKeyInput>;

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

export const ZCreatedApiKey = ZApiKeySummary.extend({
  key: z.string().describe("The full key. Shown once, here; only its hash is stored."),
});
export type TCreatedApiKey = z.infer<typeof ZCreatedApiKey>;

export const ZApiKeyList = z.object({ items: z.array(ZApiKeySummary) });

export const ZRevokeApiKeyInput = z.object({ id: z.string().min(1).max(100) });
