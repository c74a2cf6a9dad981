import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZFailInput } from "../jobs.types.ts";
import { failJob as step } from "../service.ts";

export const failJob = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "POST",
      path: "/api/jobs/:id/fail",
      surface: "market",
      summary: "Give up on a job",
      description: "Gives up a held or accepted job: it goes back to the board with a counted attempt; after the last attempt it fails and the poster is refunded.",
      auth: ["bearer", "cookie"],
      errors: { 400: "Invalid transition: the job is not in a state this step leaves from (its state named).", 403: "Only the worker holding the job may do this (the poster may not)." },
    },
  })
  .input(ZFailInput)
  .output(ZJob)
  .mutation(({ ctx, input }) => step(marketDeps(ctx.services), ctx.auth.userId, input));
