import { z } from "zod";

/** A USDC amount written as a decimal string (6 decimals at most): "2", "75.5". */
const ZUsdc = z.string().regex(/^\d+(\.\d{1,6})?$/);

export const ZTier = z.object({
  tier: z.number().int().min(0).max(7).describe("Tier index (0-7)."),
  name: z.string().describe("VM spec name."),
  pricePerDay: ZUsdc.describe("Price in USDC per day."),
  pricePerMonth: ZUsdc.describe("Price in USDC for 30 days."),
  active: z.boolean().describe("Tier availability."),
});
export type TTier = z.infer<typeof ZTier>;

export const ZTiersResponse = z.object({ tiers: z.array(ZTier) });
export type TTiersResponse = z.infer<typeof ZTiersResponse>;
