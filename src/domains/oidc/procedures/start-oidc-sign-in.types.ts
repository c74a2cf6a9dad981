import { z } from "zod";
import { ZOAuthProvider } from "../oidc.types.ts";

export const ZOidcStartInput = z.object({
  provider: ZOAuthProvider,
  /** Where to land after sign-in: a same-origin relative path (`/workspaces/1`); anything else means `/`. */
  return_to: z.string().max(2048).optional(),
});
