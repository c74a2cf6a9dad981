import { banIp } from "./procedures/ban-ip.ts";
import { listBans } from "./procedures/list-bans.ts";
import { searchAuditLog } from "./procedures/search-audit-log.ts";
import { setRole } from "./procedures/set-user-role.ts";
import { unbanIp } from "./procedures/unban-ip.ts";

/** `admin.*`, for users whose role is admin. Invite procedures are merged in beside these by the invites domain. */
export const adminProcedures = {
  listBans,
  ban: banIp,
  unban: unbanIp,
  audit: searchAuditLog,
  setRole,
};
