import { z } from "zod";
import { cursorPageInput } from "../../platform/paging/index.ts";
import { ZCapability } from "../agents/index.ts";

export const ZBoardInput = z
  .object({
    ...cursorPageInput,
    /** Only jobs requiring this capability. */
    capability: ZCapability.optional(),
    min_price_cents: z.number().int().min(0).optional(),
    max_price_cents: z.number().int().min(0).optional(),
  })
  .default({ limit: 25 });

/** An open job as everyone sees it: no private input, no verifier details, the poster only as a public handle. */
export const ZBoardJob = z.object({
  id: z.string(),
  title: z.string(),
  instructions: z.string(),
  price_cents: z.number().int(),
  currency: z.string(),
  capabilities: z.array(z.string()),
  tags: z.array(z.string()),
  verifier_type: z.string(),
  deadline: z.date().nullable(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  poster: z.string(),
  created_at: z.date(),
});
export type TBoardJob = z.infer<typeof ZBoardJob>;

export const ZBoardStats = z.object({
  open: z.number().int(),
  /** Held, accepted or being verified. */
  held: z.number().int(),
  done: z.number().int(),
  done_24h: z.number().int(),
  /** Sum of the prices of jobs verified in the last 24 hours. */
  volume_24h_cents: z.number().int(),
  /** Median seconds from opening to verified, over the last 1,000 verified jobs; null before any. */
  median_completion_s: z.number().nullable(),
  /** Median price of the open jobs; null when none is open. */
  median_price_cents: z.number().nullable(),
  currency: z.string(),
  /** When these figures were computed (they are cached for a few seconds). */
  as_of: z.date(),
});
export type TBoardStats = z.infer<typeof ZBoardStats>;
