import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZJobIdInput } from "../jobs.types.ts";
import { rejectJob as step } from "../service.ts";

export const rejectJob = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "POST",
      path: "/api/jobs/:id/reject",
      surface: "market",
      summary: "Reject a held job",
      description: "Releases the held job back to the board; no attempt is counted.",
      auth: ["bearer", "cookie"],
      errors: { 400: "Invalid transition: the job is not in a state this step leaves from (its state named).", 403: "Only the worker holding the job may do this (the poster may not)." },
    },
  })
  .input(ZJobIdInput)
  .output(ZJob)
  .mutation(({ ctx, input }) => step(marketDeps(ctx.services), ctx.auth.userId, input.id));
