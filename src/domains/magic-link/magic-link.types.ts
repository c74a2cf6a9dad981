import { z } from "zod";

/** The mobile document's `/auth/*` bodies. */
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

export const ZVerifyInput = z.object({ token: z.string().min(1).max(200) });

export const ZTokenPair = z.object({
  access_token: z.string().describe("JWT (HS256), short-lived: ACCESS_TOKEN_TTL_S, 15 minutes by default."),
  refresh_token: z.string().describe("Opaque; exchange at POST /auth/refresh. Valid REFRESH_TOKEN_TTL_DAYS."),
});
export type TTokenPair = z.infer<typeof ZTokenPair>;

export const ZRefreshInput = z.object({ refresh_token: z.string().min(1).max(200) });

export const ZRefreshResponse = z.object({ access_token: z.string() });

export const ZLogoutResponse = z.object({ ok: z.literal(true) });
