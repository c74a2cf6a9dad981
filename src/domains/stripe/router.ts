import { router } from "../../trpc/init.ts";
import { getConnectStatus } from "./procedures/get-connect-status.ts";
import { receiveWebhook } from "./procedures/receive-webhook.ts";
import { completeSimulated, showSimulatedCheckout } from "./procedures/simulated-checkout.ts";
import { startConnect } from "./procedures/start-connect.ts";

export const stripeRouter = router({
  webhook: receiveWebhook,
  connect: startConnect,
  connectStatus: getConnectStatus,
  simulatorCheckout: showSimulatedCheckout,
  simulatorComplete: completeSimulated,
});
