import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZJobIdInput } from "../jobs.types.ts";
import { cancelJob as cancel } from "../service.ts";

export const cancelJob = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "POST",
      path: "/api/jobs/:id/cancel",
      surface: "market",
      summary: "Cancel a job",
      description: "While nobody holds it (pending payment or open): a paid job's escrow is voided, the price back in your available balance.",
      auth: ["bearer", "cookie"],
      errors: { 400: "Invalid transition: the job is held, in progress or finished (its state named).", 403: "Only the job's poster may cancel it." },
    },
  })
  .input(ZJobIdInput)
  .output(ZJob)
  .mutation(({ ctx, input }) => cancel(marketDeps(ctx.services), ctx.auth.userId, input.id));
