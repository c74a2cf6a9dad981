import { z } from "zod";
import { ZPassword, ZPasswordAttempt } from "../password-auth.types.ts";

export const ZChangePasswordInput = z.object({
  current: ZPasswordAttempt,
  next: ZPassword,
});
