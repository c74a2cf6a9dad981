import { publicProcedure } from "../../../trpc/procedures.ts";
import { receiveWebhook as receive, walletDeps } from "../../wallet/index.ts";
import { WEBHOOK_MAX_BYTES, ZWebhookInput, ZWebhookReceived } from "../stripe.types.ts";

export const receiveWebhook = publicProcedure
  .meta({
    access: "public",
    maxBodyBytes: WEBHOOK_MAX_BYTES,
    rest: {
      method: "POST",
      path: "/api/stripe/webhook",
      surface: "market",
      summary: "Stripe webhook",
      description:
        "Stripe's event deliveries. No API key: the `Stripe-Signature` header, checked over the exact body with STRIPE_WEBHOOK_SECRET, is the authentication. `checkout.session.completed` (and `checkout.session.async_payment_succeeded`) credit a top-up exactly once, whatever the number and order of deliveries; `account.updated` refreshes a connected account's status. Every other event is acknowledged and ignored.",
      rawBody: { field: "payload", description: "A Stripe event object, exactly as Stripe signed it." },
      errors: {
        400: "Missing or invalid Stripe-Signature (nothing is applied).",
        503: "Payments are not configured on this server.",
      },
    },
  })
  .input(ZWebhookInput)
  .output(ZWebhookReceived)
  .mutation(({ ctx, input }) => receive(walletDeps(ctx.services), input.payload, ctx.request.headers.get("stripe-signature")));
