import { router } from "../../trpc/init.ts";
import { createEvalRun } from "./procedures/create-eval-run.ts";
import { getSkill } from "./procedures/get-skill.ts";
import { listSkills } from "./procedures/list-skills.ts";
import { shareSkill } from "./procedures/share-skill.ts";
import { updateEvalRun } from "./procedures/update-eval-run.ts";

export const skillsRouter = router({
  list: listSkills,
  get: getSkill,
  share: shareSkill,
  createEvalRun,
  updateEvalRun,
});
