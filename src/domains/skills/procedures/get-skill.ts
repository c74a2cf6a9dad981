import { authedProcedure } from "../../../trpc/procedures.ts";
import { getSkillDetail } from "../service.ts";
import { ZSkillDetailResponse, ZSkillNameInput } from "../skills.types.ts";

export const getSkill = authedProcedure
  .meta({ access: "owner", rest: { method: "GET", path: "/api/skills/:name", surface: "mobile", summary: "Skill detail with versions and eval runs", auth: ["bearer"] } })
  .input(ZSkillNameInput)
  .output(ZSkillDetailResponse)
  .query(({ ctx, input }) => getSkillDetail(ctx.services.db, ctx.auth.userId, input.name));
