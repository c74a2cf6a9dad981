import { createInvite } from "./procedures/create-invite.ts";
import { listInvites } from "./procedures/list-invites.ts";
import { refreshAccessToken } from "./procedures/refresh-access-token.ts";
import { requestMagicLink } from "./procedures/request-magic-link.ts";
import { revokeInvite } from "./procedures/revoke-invite.ts";
import { revokeRefreshToken } from "./procedures/revoke-refresh-token.ts";
import { verifyMagicLink } from "./procedures/verify-magic-link.ts";

/**
 * Mobile `/auth/*`: `auth.signup`, `auth.verify`, `auth.refresh`, `auth.revokeRefreshToken`
 * (`POST /auth/logout`; not `auth.logout`, which is the workspaces cookie logout in the same namespace).
 */
export const magicLinkProcedures = {
  signup: requestMagicLink,
  verify: verifyMagicLink,
  refresh: refreshAccessToken,
  revokeRefreshToken,
};

/** Admin invite management (tRPC only), merged into `admin.*`. */
export const inviteAdminProcedures = { createInvite, listInvites, revokeInvite };
