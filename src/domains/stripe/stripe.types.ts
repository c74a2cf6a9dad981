import { z } from "zod";

/** Stripe events are a few kilobytes; the limit stays at the authenticated default so the body is read before any auth (the signature is the auth). */
export const WEBHOOK_MAX_BYTES = 64 * 1024;

export const ZWebhookInput = z.object({
  /** The request body exactly as Stripe sent and signed it (REST hands it over unparsed). */
  payload: z.string().max(WEBHOOK_MAX_BYTES),
});
export const ZWebhookReceived = z.object({
  received: z.literal(true),
  /** True when this event id was handled before (a redelivery): nothing was applied again. */
  duplicate: z.boolean(),
});

export const ZSimulatedCheckoutInput = z.object({ id: z.string().regex(/^cs_sim_[0-9a-f]{24}$/, "must be a simulator checkout session id") });
export const ZSimulatedCheckoutPage = z.object({ html: z.string() });
export const ZSimulatedCheckoutResult = z.object({ completed: z.boolean(), webhook_status: z.number().int() });
