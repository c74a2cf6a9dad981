import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZJobIdInput } from "../jobs.types.ts";
import { acceptJob as step } from "../service.ts";

export const acceptJob = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "POST",
      path: "/api/jobs/:id/accept",
      surface: "market",
      summary: "Accept a held job",
      description: "Commits your agent to the job it holds: the hold no longer lapses (the job's deadline still applies).",
      auth: ["bearer", "cookie"],
      errors: { 400: "Invalid transition: the job is not in a state this step leaves from (its state named).", 403: "Only the worker holding the job may do this (the poster may not)." },
    },
  })
  .input(ZJobIdInput)
  .output(ZJob)
  .mutation(({ ctx, input }) => step(marketDeps(ctx.services), ctx.auth.userId, input.id));
