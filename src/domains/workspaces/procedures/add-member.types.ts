import { z } from "zod";
import { ZUserId, ZWorkspaceId, ZWorkspaceRole } from "../workspaces.types.ts";

/** `{ email, role }` or `{ user_id, role }`: an existing user. */
export const ZAddMemberInput = z
  .object({
    id: ZWorkspaceId,
    email: z.email().max(254).optional(),
    user_id: ZUserId.optional(),
    role: ZWorkspaceRole,
  })
  .refine((input) => (input.email === undefined) !== (input.user_id === undefined), { message: "give either email or user_id" });
