import { z } from "zod";

export const ZRevokeApiKeyInput = z.object({ id: z.string().min(1).max(100) });
