import { z } from "zod";
import { WORKSPACE_ROLES } from "../../../db/schema/index.ts";
import { ID_PREFIX, ZId } from "../../platform/ids.ts";

export const ZWorkspaceRole = z.enum(WORKSPACE_ROLES);
export const ZWorkspaceId = ZId(ID_PREFIX.workspace);
export const ZUserId = ZId(ID_PREFIX.user);

export const ZWorkspace = z.object({
  id: z.string(),
  name: z.string(),
  /** The caller's role in it. */
  role: ZWorkspaceRole,
  auto_resume: z.boolean(),
  created_at: z.date(),
});
export type TWorkspace = z.infer<typeof ZWorkspace>;

export const ZMember = z.object({
  user_id: z.string(),
  email: z.string(),
  display_name: z.string().nullable(),
  role: ZWorkspaceRole,
  joined_at: z.date(),
});
export type TMember = z.infer<typeof ZMember>;

export const ZWorkspaceIdInput = z.object({ id: ZWorkspaceId });
export const ZMemberInput = z.object({ id: ZWorkspaceId, userId: ZUserId });
export const ZOk = z.object({ ok: z.literal(true) });
