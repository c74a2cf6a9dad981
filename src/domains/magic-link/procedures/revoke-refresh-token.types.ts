import { z } from "zod";

export const ZLogoutResponse = z.object({ ok: z.literal(true) });
