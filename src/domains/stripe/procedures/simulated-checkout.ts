import { publicProcedure } from "../../../trpc/procedures.ts";
import { walletDeps } from "../../wallet/index.ts";
import { completeSimulatedCheckout, simulatedCheckoutPage } from "../simulator.ts";
import { ZSimulatedCheckoutInput, ZSimulatedCheckoutPage, ZSimulatedCheckoutResult } from "../stripe.types.ts";

const SIMULATOR_ONLY = { 404: "Not a simulator session, or the simulator is off (PAYMENTS_DRIVER is not simulator)." } as const;

/** The simulator's stand-in for Stripe's hosted checkout page (PAYMENTS_DRIVER=simulator only). Public: the session id is the capability, as on Stripe. */
export const showSimulatedCheckout = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "GET",
      path: "/api/stripe/simulator/checkout/:id",
      surface: "market",
      summary: "Simulated checkout page (development)",
      description: "With PAYMENTS_DRIVER=simulator, the `url` of a top-up: an HTML page whose Pay button completes the session.",
      binary: { base64Field: "html", contentType: "text/html; charset=utf-8" },
      errors: SIMULATOR_ONLY,
    },
  })
  .input(ZSimulatedCheckoutInput)
  .output(ZSimulatedCheckoutPage)
  .query(({ ctx, input }) => simulatedCheckoutPage(walletDeps(ctx.services), input.id));

export const completeSimulated = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "POST",
      path: "/api/stripe/simulator/checkout/:id/complete",
      surface: "market",
      summary: "Pay a simulated checkout (development)",
      description: "With PAYMENTS_DRIVER=simulator: signs a `checkout.session.completed` event as Stripe would and posts it to `/api/stripe/webhook`, which credits the wallet once.",
      errors: SIMULATOR_ONLY,
    },
  })
  .input(ZSimulatedCheckoutInput)
  .output(ZSimulatedCheckoutResult)
  .mutation(({ ctx, input }) => completeSimulatedCheckout(walletDeps(ctx.services), input.id));
