import { z } from "zod";

/** `auth.refresh` and `auth.revokeRefreshToken` both take the refresh token. */
export const ZRefreshInput = z.object({ refresh_token: z.string().min(1).max(200) });

/** One invite as the admin invite procedures return it. */
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
