import { idempotencyKey } from "../../../trpc/idempotency.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { walletDeps } from "../deps.ts";
import { createTopup as startTopup } from "../topups.ts";
import { ZTopup, ZTopupInput } from "../wallet.types.ts";

export const createTopup = authedProcedure
  .meta({
    access: "user",
    idempotent: true,
    rest: {
      method: "POST",
      path: "/api/wallet/topup",
      surface: "market",
      summary: "Create top-up checkout session",
      description:
        "Creates a Stripe Checkout Session for `amount_cents` (within TOPUP_MIN_CENTS..TOPUP_MAX_CENTS) and returns its `url` (pay there) and `id`. The wallet is credited once Stripe reports the payment (`checkout.session.completed` on the webhook), exactly once per session. Accepts an Idempotency-Key header (same key and body: the stored answer; other body: 400).",
      auth: ["bearer", "cookie"],
      errors: {
        400: "`amount_cents` outside the configured bounds, or an Idempotency-Key reused with another body.",
        502: "Stripe did not create the session.",
        503: "Payments are not configured on this server (no STRIPE_SECRET_KEY and not PAYMENTS_DRIVER=simulator).",
      },
    },
  })
  .input(ZTopupInput)
  .use(idempotencyKey)
  .output(ZTopup)
  .mutation(({ ctx, input }) => startTopup(walletDeps(ctx.services), ctx.auth.userId, input.amount_cents));
