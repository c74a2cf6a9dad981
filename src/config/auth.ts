import { z } from "zod";
import { csv, flag, int } from "./helpers.ts";

/** The identity kernel: admins, invites, token keys and lifetimes. Part of `Config.identity`. */
export const ZAuthConfig = z
  .object({
    /** Comma-separated e-mails that are platform admins (bootstrapped at sign-in). */
    ADMIN_EMAILS: csv((email) => email.toLowerCase()),
    /** Magic-link sign-up needs a valid unused invite code while this is true. */
    REQUIRE_INVITES: flag(false),
    /** Key id of the current JWT signing key; keys derive from SIGNING_SECRET, so rotating is a new id. */
    JWT_KEY_ID: z.string().regex(/^[\w.-]{1,32}$/, "letters, digits, . _ - only").default("k1"),
    /** Older key ids still accepted while their tokens expire. */
    JWT_PREVIOUS_KEY_IDS: csv(),
    ACCESS_TOKEN_TTL_S: int({ min: 30, max: 86_400, fallback: 900 }),
    REFRESH_TOKEN_TTL_DAYS: int({ min: 1, max: 365, fallback: 30 }),
    SESSION_TTL_DAYS: int({ min: 1, max: 365, fallback: 30 }),
  })
  .transform((e) => ({
    adminEmails: e.ADMIN_EMAILS,
    requireInvites: e.REQUIRE_INVITES,
    jwtKeyId: e.JWT_KEY_ID,
    jwtPreviousKeyIds: e.JWT_PREVIOUS_KEY_IDS,
    accessTokenTtlS: e.ACCESS_TOKEN_TTL_S,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    sessionTtlDays: e.SESSION_TTL_DAYS,
  }));

export type AuthConfig = z.output<typeof ZAuthConfig>;
