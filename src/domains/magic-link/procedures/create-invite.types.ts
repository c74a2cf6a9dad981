import { z } from "zod";
import { ZInviteSummary } from "../magic-link.types.ts";

export const ZCreateInviteInput = z
  .object({
    note: z.string().trim().min(1).max(200).optional(),
    /** Unset: the invite does not expire. */
    expires_in_days: z.number().int().min(1).max(365).optional(),
  })
  .default({});

export const ZCreateInviteResponse = ZInviteSummary.extend({
  code: z.string().describe("The invite code. Shown once: only its hash is stored."),
});
