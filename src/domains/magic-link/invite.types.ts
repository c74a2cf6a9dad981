import { z } from "zod";

export const ZCreateInviteInput = z
  .object({
    note: z.string().trim().min(1).max(200).optional(),
    /** Unset: the invite does not expire. */
    expires_in_days: z.number().int().min(1).max(365).optional(),
  })
  .default({});

export const ZInviteSummary = z.object({
  id: z.string(),
  code_prefix: z.string().describe("The code's first characters, to tell invites apart; never the code."),
  note: z.string().nullable(),
  status: z.enum(["unused", "used", "revoked", "expired"]),
  created_by: z.string().nullable(),
  used_by: z.string().nullable(),
  used_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  expires_at: z.date().nullable(),
  created_at: z.date(),
});
export type TInviteSummary = z.infer<typeof ZInviteSummary>;

export const ZCreateInviteResponse = ZInviteSummary.extend({
  code: z.string().describe("The invite code. Shown once: only its hash is stored."),
});

export const ZListInvitesInput = z
  .object({
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.string().optional(),
  })
  .default({ limit: 100 });

export const ZListInvitesResponse = z.object({
  invites: z.array(ZInviteSummary),
  next_cursor: z.string().nullable(),
});

export const ZRevokeInviteInput = z.object({ id: z.string().min(1).max(100) });
