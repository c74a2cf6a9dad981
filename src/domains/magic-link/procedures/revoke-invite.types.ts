import { z } from "zod";

export const ZRevokeInviteInput = z.object({ id: z.string().min(1).max(100) });
