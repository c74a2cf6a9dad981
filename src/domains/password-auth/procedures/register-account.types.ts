import { z } from "zod";
import { ZPassword, ZUsername } from "../password-auth.types.ts";

export const ZRegisterInput = z.object({
  username: ZUsername,
  email: z.email().max(254),
  password: ZPassword,
  /** Required while REQUIRE_INVITES is on. */
  invite_code: z.string().trim().min(1).max(100).optional(),
});
export type TRegisterInput = z.infer<typeof ZRegisterInput>;
