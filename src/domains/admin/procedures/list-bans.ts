import { adminProcedure } from "../../../trpc/procedures.ts";
import { listIpBans } from "../../rate-limits/index.ts";
import { ZBanList } from "../admin.types.ts";
import { ADMIN_ERRORS, ADMIN_POLICY, ADMIN_TAGS } from "../compute-policy.ts";

export const listBans = adminProcedure
  .meta({ access: "admin", rest: { method: "GET", path: "/admin/bans", surface: "compute", auth: ["bearer"], tags: ADMIN_TAGS, summary: "List IP bans", description: ADMIN_POLICY, errors: ADMIN_ERRORS } })
  .output(ZBanList)
  .query(async ({ ctx }) => ({ bans: await listIpBans(ctx.services.limiter) }));
