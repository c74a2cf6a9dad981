import { authedProcedure } from "../../../trpc/procedures.ts";
import * as skills from "../service.ts";
import { ZCreateEvalRunInput, ZEvalRun } from "../skills.types.ts";

export const createEvalRun = authedProcedure
  .meta({ access: "owner" })
  .input(ZCreateEvalRunInput)
  .output(ZEvalRun)
  .mutation(({ ctx, input }) =>
    skills.createEvalRun({ db: ctx.services.db, userId: ctx.auth.userId, name: input.name, version: input.version, status: input.status, notes: input.notes }),
  );
