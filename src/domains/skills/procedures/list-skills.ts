import { authedProcedure } from "../../../trpc/procedures.ts";
import * as skills from "../service.ts";
import { ZSkillListResponse } from "../skills.types.ts";

export const listSkills = authedProcedure
  .meta({ access: "user", rest: { method: "GET", path: "/api/skills", surface: "mobile", summary: "List your skills", auth: ["bearer"] } })
  .output(ZSkillListResponse)
  .query(async ({ ctx }) => ({ skills: await skills.listSkills(ctx.services.db, ctx.auth.userId) }));
