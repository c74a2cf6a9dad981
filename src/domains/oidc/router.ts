import { completeOidcSignIn } from "./procedures/complete-oidc-sign-in.ts";
import { startOidcSignIn } from "./procedures/start-oidc-sign-in.ts";

/** Workspaces /api/auth/oidc/{github|generic} and their /callback. */
export const oidcProcedures = { oidcStart: startOidcSignIn, oidcCallback: completeOidcSignIn };
