import { z } from "zod";

export const ZRefreshResponse = z.object({ access_token: z.string() });
