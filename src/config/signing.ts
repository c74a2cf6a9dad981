import { z } from "zod";

/** The platform's own signing secret (blob links, access-token keys, sealed OAuth flows). */
export const ZSigningConfig = z
  .object({
    /** Generated and kept under DATA_DIR when unset. */
    SIGNING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  })
  .transform((e) => ({ signingSecret: e.SIGNING_SECRET }));

export type SigningConfig = z.output<typeof ZSigningConfig>;
