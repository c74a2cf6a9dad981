import { z } from "zod";

/** The mobile document's `POST /auth/signup` bodies. */
export const ZSignupInput = z.object({
  email: z.string().trim().max(254).check(z.email()),
  /** Required while REQUIRE_INVITES is on (except for existing accounts and ADMIN_EMAILS). */
  invite_code: z.string().trim().min(1).max(100).optional(),
});
export type TSignupInput = z.infer<typeof ZSignupInput>;

export const ZSignupResponse = z.object({
  ok: z.literal(true),
  magic_token: z
    .string()
    .optional()
    .describe(
      "Only without a mail provider (development and test), and only to a loopback caller; never in production. Otherwise the link is e-mailed.",
    ),
});
export type TSignupResponse = z.infer<typeof ZSignupResponse>;
