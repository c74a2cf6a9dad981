import { z } from "zod";
import { ZUserId, ZWorkspaceId, ZWorkspaceRole } from "../workspaces.types.ts";

export const ZUpdateMemberInput = z.object({ id: ZWorkspaceId, userId: ZUserId, role: ZWorkspaceRole });
