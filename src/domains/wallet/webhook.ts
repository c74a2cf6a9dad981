import { paymentWebhookEvents } from "../../../db/schema/payments.ts";
import { WebhookSignatureError } from "../../../drivers/payments/index.ts";
import { AppError } from "../../platform/errors.ts";
import { applyAccountState } from "./connect.ts";
import { requirePayments, type WalletDeps } from "./deps.ts";
import { creditCheckout } from "./topups.ts";

/**
 * A Stripe webhook delivery: the signature is checked over the exact body (400 without a valid
 * one); then, in one transaction, the event id is recorded (a redelivery stops there) and the
 * event applied — a paid checkout credited (once per session, whatever the event), a connected
 * account's state updated (an older report never overwrites a newer one).
 */
export async function receiveWebhook(deps: WalletDeps, payload: string, signature: string | null): Promise<{ received: true; duplicate: boolean }> {
  const payments = requirePayments(deps);
  let event;
  try {
    event = await payments.verifyWebhook(payload, signature);
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw new AppError("BAD_REQUEST", `Invalid Stripe-Signature: ${error.message}`);
    throw error;
  }
  return deps.db.transaction(async (tx) => {
    const type = event.type === "other" ? event.eventType : event.type;
    const fresh = await tx.insert(paymentWebhookEvents).values({ id: event.id, type }).onConflictDoNothing().returning({ id: paymentWebhookEvents.id });
    if (fresh.length === 0) return { received: true as const, duplicate: true };
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded":
        await creditCheckout(tx, deps.ledger, deps.logger, event.session);
        break;
      case "account.updated":
        await applyAccountState(tx, event.account, event.created);
        break;
      default:
        break;
    }
    return { received: true as const, duplicate: false };
  });
}
