import { z } from "zod";

export const ZVerifyInput = z.object({ token: z.string().min(1).max(200) });

export const ZTokenPair = z.object({
  access_token: z.string().describe("JWT (HS256), short-lived: ACCESS_TOKEN_TTL_S, 15 minutes by default."),
  refresh_token: z.string().describe("Opaque; exchange at POST /auth/refresh. Valid REFRESH_TOKEN_TTL_DAYS."),
});
export type TTokenPair = z.infer<typeof ZTokenPair>;
