import { z } from "zod";
import { ZApiKeySummary } from "../api-keys.types.ts";

export const ZCreateApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  /** Optional expiry; must be in the future. */
  expires_at: z.date().optional(),
});
export type TCreateApiKeyInput = z.infer<typeof ZCreateApiKeyInput>;

export const ZCreatedApiKey = ZApiKeySummary.extend({
  key: z.string().describe("The full key. Shown once, here; only its hash is stored."),
});
export type TCreatedApiKey = z.infer<typeof ZCreatedApiKey>;
