import { z } from "zod";
import { flag } from "./helpers.ts";

/** Mobile skills. */
export const ZSkillsConfig = z
  .object({
    /** GET /api/skills/:name/share; false answers 503. */
    SKILL_SHARING: flag(true),
  })
  .transform((e) => ({ skillSharing: e.SKILL_SHARING }));

export type SkillsConfig = z.output<typeof ZSkillsConfig>;
