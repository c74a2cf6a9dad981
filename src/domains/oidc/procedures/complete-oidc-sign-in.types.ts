import { z } from "zod";
import { ZOAuthProvider } from "../oidc.types.ts";

/** The provider's redirect back: `?code&state`, or `?error` when the user refused. */
export const ZOidcCallbackInput = z.object({
  provider: ZOAuthProvider,
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
  /** RFC 9207 issuer identification, checked when the provider sends it. */
  iss: z.string().max(2048).optional(),
});
