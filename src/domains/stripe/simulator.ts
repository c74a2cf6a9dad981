import { AppError } from "../../platform/errors.ts";
import { findCheckoutSession, type WalletDeps } from "../wallet/index.ts";

/** The simulator's signing, or 404: with Stripe (or no payments at all) these pages do not exist. */
function simulator(deps: WalletDeps) {
  const payments = deps.payments;
  if (payments?.kind !== "simulator" || !payments.signCompletedCheckout) throw new AppError("NOT_FOUND", "The checkout simulator is off (PAYMENTS_DRIVER is not simulator)");
  return { sign: payments.signCompletedCheckout.bind(payments) };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The simulator's checkout page: the amount and a Pay button that completes the session. */
export async function simulatedCheckoutPage(deps: WalletDeps, id: string): Promise<{ html: string }> {
  simulator(deps);
  const session = await findCheckoutSession(deps.db, id);
  if (!session) throw new AppError("NOT_FOUND", `checkout session ${id} not found`);
  const amount = `${(Number(session.amountCents) / 100).toFixed(2)} ${session.currency.toUpperCase()}`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Simulated checkout</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto">
<h1>Wallet top-up: ${escapeHtml(amount)}</h1>
<p>Simulated Stripe Checkout (PAYMENTS_DRIVER=simulator): paying here posts a signed <code>checkout.session.completed</code> webhook to this platform. No money moves.</p>
<p>Session <code>${escapeHtml(session.id)}</code>: ${session.status === "completed" ? "already paid" : "open"}.</p>
<button id="pay">Pay ${escapeHtml(amount)}</button> <span id="result"></span>
<script>
document.getElementById("pay").onclick = async () => {
  const r = await fetch(location.pathname + "/complete", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  document.getElementById("result").textContent = r.ok ? "Paid: your wallet is credited." : "Failed: " + r.status;
};
</script></body></html>`;
  return { html: Buffer.from(html).toString("base64") };
}

/** Completes a simulated session: signs the event as Stripe would and delivers it to this platform's webhook over HTTP. */
export async function completeSimulatedCheckout(deps: WalletDeps, id: string): Promise<{ completed: boolean; webhook_status: number }> {
  const { sign } = simulator(deps);
  const session = await findCheckoutSession(deps.db, id);
  if (!session) throw new AppError("NOT_FOUND", `checkout session ${id} not found`);
  const { payload, signature } = await sign({
    id: session.id,
    amountTotal: Number(session.amountCents),
    currency: session.currency,
    paymentStatus: "paid",
    clientReferenceId: session.userId,
  });
  const response = await fetch(`${deps.baseUrl}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body: payload,
  });
  await response.body?.cancel();
  return { completed: response.ok, webhook_status: response.status };
}
