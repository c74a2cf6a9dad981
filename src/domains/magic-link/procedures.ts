import { revokeRefreshToken } from "./revoke-refresh-token.ts";
import { refresh } from "./refresh.ts";
import { signup } from "./signup.ts";
import { verify } from "./verify.ts";

/**
 * Mobile `/auth/*`: `auth.signup`, `auth.verify`, `auth.refresh`, `auth.revokeRefreshToken`
 * (`POST /auth/logout`; not `auth.logout`, which is the workspaces cookie logout in the same namespace).
 */
export const magicLinkProcedures = { signup, verify, refresh, revokeRefreshToken };
