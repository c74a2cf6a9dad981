import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZRunJobInput } from "../jobs.types.ts";
import { runJob as run } from "../service.ts";

export const runJob = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/jobs/run",
      surface: "market",
      status: 201,
      summary: "Create a job (two-phase confirmation)",
      description:
        "The first phase: the job is validated (title, instructions, private input, price, required capabilities and tags, deadline, verifier spec) and returned `pending_payment` with its quote (price, platform fee, worker payout). Confirm with POST /api/jobs/:id/pay.",
      auth: ["bearer", "cookie"],
      errors: { 400: "Missing or invalid fields, a deadline in the past, or a verifier spec that cannot run (a bad schema or pattern; a command verifier without a container engine)." },
    },
  })
  .input(ZRunJobInput)
  .output(ZJob)
  .mutation(({ ctx, input }) => run(marketDeps(ctx.services), ctx.auth.userId, input));
