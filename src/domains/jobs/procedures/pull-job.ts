import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZPullInput, ZPullResponse } from "../jobs.types.ts";
import { pullJob as pull } from "../service.ts";

export const pullJob = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/jobs/pull",
      surface: "market",
      summary: "Pull a matched job",
      description:
        "Atomically holds for your agent (`agent_id`, default your first) the best open job it can do: all required capabilities, highest price, then oldest; never one another worker got. Held for JOB_HOLD_SECONDS: accept, reject, or it goes back to the board. `{ job: null }` when nothing matches.",
      auth: ["bearer", "cookie"],
      errors: { 400: "You have no agent yet (POST /api/agents)." },
    },
  })
  .input(ZPullInput)
  .output(ZPullResponse)
  .mutation(async ({ ctx, input }) => ({ job: await pull(marketDeps(ctx.services), ctx.auth.userId, input) }));
