import { idempotencyKey } from "../../../trpc/idempotency.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { walletDeps } from "../deps.ts";
import { ZWithdrawal, ZWithdrawInput } from "../wallet.types.ts";
import { withdraw as startWithdrawal } from "../withdrawals.ts";

export const withdraw = authedProcedure
  .meta({
    access: "user",
    idempotent: true,
    rest: {
      method: "POST",
      path: "/api/wallet/withdraw",
      surface: "market",
      summary: "Withdraw earnings",
      description:
        "Moves `amount_cents` of withdrawable earnings into `pending_withdrawal` and transfers it to your connected Stripe account. `status` is `posted` once Stripe made the transfer, `voided` if Stripe refused it (the money is back in your earnings), or `pending` while Stripe has not answered: the platform retries it (same Stripe idempotency key, so never twice) until it is posted or voided. Accepts an Idempotency-Key header.",
      auth: ["bearer", "cookie"],
      errors: {
        400: "Stripe Connect onboarding is incomplete (or never started), or an Idempotency-Key reused with another body.",
        402: "The amount exceeds your withdrawable earnings.",
        503: "Payments are not configured on this server.",
      },
    },
  })
  .input(ZWithdrawInput)
  .use(idempotencyKey)
  .output(ZWithdrawal)
  .mutation(({ ctx, input }) => startWithdrawal(walletDeps(ctx.services), ctx.auth.userId, input.amount_cents));
