import { z } from "zod";
import { USER_ROLES } from "../../../db/schema/users.ts";

/** Passwords: at least 10 characters; at most 256 so hashing cost stays bounded. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export const ZPassword = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

/** A password being checked, not chosen: any non-empty string up to the maximum. */
export const ZPasswordAttempt = z.string().min(1, "is required").max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

/** Usernames are stored lower-cased: 3–32 of `a-z 0-9 _ -`. */
export const ZUsername = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_-]{3,32}$/, "must be 3-32 characters of a-z, 0-9, _ or -");

export const ZAuthUser = z.object({
  id: z.string(),
  username: z.string().nullable(),
  email: z.string(),
  display_name: z.string().nullable(),
  role: z.enum(USER_ROLES),
});
export type TAuthUser = z.infer<typeof ZAuthUser>;
