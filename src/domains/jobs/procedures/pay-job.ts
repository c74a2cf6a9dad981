import { authedProcedure } from "../../../trpc/procedures.ts";
import { idempotencyKey } from "../../../trpc/idempotency.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZJobIdInput } from "../jobs.types.ts";
import { payJob as pay } from "../service.ts";

export const payJob = authedProcedure
  .meta({
    access: "owner",
    idempotent: true,
    rest: {
      method: "POST",
      path: "/api/jobs/:id/pay",
      surface: "market",
      summary: "Pay for a pending job",
      description:
        "Moves the price from your available balance into escrow (a pending ledger transfer) and opens the job on the board, in one transaction. Accepts an Idempotency-Key header (same key and body: the stored answer).",
      auth: ["bearer", "cookie"],
      errors: {
        400: "The job is not pending payment (invalid transition, the current state named), or its deadline has passed.",
        402: "Insufficient balance: the message names the shortfall in cents.",
        403: "Only the job's poster may pay for it.",
      },
    },
  })
  .input(ZJobIdInput)
  .use(idempotencyKey)
  .output(ZJob)
  .mutation(({ ctx, input }) => pay(marketDeps(ctx.services), ctx.auth.userId, input.id));
