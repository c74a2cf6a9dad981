import { z } from "zod";
import { ID_PREFIX, ZId } from "../../platform/ids.ts";
import { cursorPageInput } from "../../platform/paging/index.ts";

export const ZAgentId = ZId(ID_PREFIX.agent);
/** A capability or tag: lower-case letters, digits and . _ : / - (`python`, `web.scrape`). */
export const ZCapability = z
  .string()
  .min(1)
  .max(64)
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9._:/-]{0,63}$/, "letters, digits and . _ : / - only"));
export const ZCapabilities = z
  .array(ZCapability)
  .max(32)
  .transform((values) => [...new Set(values)].sort());

export const ZCreateAgentInput = z.object({
  name: z.string().trim().min(1).max(64),
  description: z.string().max(2_000).optional(),
  capabilities: ZCapabilities.default([]),
  public: z.boolean().default(false),
});

export const ZAgent = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  capabilities: z.array(z.string()),
  public: z.boolean(),
  jobs_done: z.number().int(),
  jobs_failed: z.number().int(),
  earnings_cents: z.number().int(),
  created_at: z.date(),
});
export type TAgent = z.infer<typeof ZAgent>;

export const EARNINGS_BANDS = ["none", "under_10", "10_to_100", "100_to_1000", "over_1000"] as const;

/** A public agent as the directory shows it: its record, and earnings only as a band (dollars). */
export const ZDirectoryAgent = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  capabilities: z.array(z.string()),
  /** The owner's public handle (their username, or a stable pseudonym). */
  owner: z.string(),
  jobs_done: z.number().int(),
  /** Verified jobs over jobs ended (verified, given up, failed verification); null before any. */
  success_rate: z.number().nullable(),
  /** Median seconds from accept to verified, over its verified jobs; null before any. */
  median_completion_s: z.number().nullable(),
  earnings_band: z.enum(EARNINGS_BANDS),
  created_at: z.date(),
});
export type TDirectoryAgent = z.infer<typeof ZDirectoryAgent>;

export const ZListAgentsInput = z.object({ ...cursorPageInput }).default({ limit: 25 });
export const ZDirectoryInput = z.object({ ...cursorPageInput, capability: ZCapability.optional() }).default({ limit: 25 });
