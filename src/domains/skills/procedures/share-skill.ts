import { authedProcedure } from "../../../trpc/procedures.ts";
import * as skills from "../service.ts";
import { ZSkillNameInput, ZSkillShareResponse } from "../skills.types.ts";

const SHARE_TTL_S = 3600;

export const shareSkill = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "GET",
      path: "/api/skills/:name/share",
      surface: "mobile",
      summary: "Presigned, time-limited download URL of the latest version",
      description: "503 when sharing is not configured (SKILL_SHARING=false).",
      auth: ["bearer"],
      errors: { 503: "Skill sharing is not configured." },
    },
  })
  .input(ZSkillNameInput)
  .output(ZSkillShareResponse)
  .query(({ ctx, input }) =>
    skills.shareSkill({
      db: ctx.services.db,
      blobs: ctx.services.blobs,
      userId: ctx.auth.userId,
      name: input.name,
      enabled: ctx.services.config.skillSharing,
      expiresIn: SHARE_TTL_S,
    }),
  );
