import { z } from "zod";
import { ZPasswordAttempt } from "../password-auth.types.ts";

/**
 * `username` takes a username or an e-mail address (the workspaces login form has one field);
 * `email` is accepted as well. One of the two is required.
 */
export const ZLoginInput = z
  .object({
    username: z.string().trim().min(1).max(254).optional(),
    email: z.string().trim().min(1).max(254).optional(),
    password: ZPasswordAttempt,
  })
  .refine((v) => v.username !== undefined || v.email !== undefined, {
    message: "username or email is required",
    path: ["username"],
  });
export type TLoginInput = z.infer<typeof ZLoginInput>;
