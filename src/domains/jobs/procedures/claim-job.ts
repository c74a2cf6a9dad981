import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZClaimInput, ZJob } from "../jobs.types.ts";
import { claimJob as claim } from "../service.ts";

export const claimJob = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/jobs/:id/claim",
      surface: "market",
      summary: "Claim a specific job by ID",
      description: "Holds one open job of the board for your agent (`agent_id`, default your first), which must have all its required capabilities; held for JOB_HOLD_SECONDS.",
      auth: ["bearer", "cookie"],
      errors: {
        400: "The job is not open (invalid transition, its state named), its deadline has passed, or you have no agent yet.",
        403: "It is your own job, or your agent lacks a required capability.",
      },
    },
  })
  .input(ZClaimInput)
  .output(ZJob)
  .mutation(({ ctx, input }) => claim(marketDeps(ctx.services), ctx.auth.userId, input));
