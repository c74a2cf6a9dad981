import { z } from "zod";
import { USER_ROLES } from "../../../../db/schema/index.ts";

export const ZWhoami = z.object({
  id: z.string(),
  email: z.string(),
  display_name: z.string().nullable(),
  role: z.enum(USER_ROLES),
});
