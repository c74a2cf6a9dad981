import { authedProcedure } from "../../../trpc/procedures.ts";
import { connectStatus, walletDeps, ZConnectStatus } from "../../wallet/index.ts";

export const getConnectStatus = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/stripe/connect/status",
      surface: "market",
      summary: "Check Connect status",
      description:
        "Your connected account's `details_submitted`, `charges_enabled` and `payouts_enabled`, refreshed from Stripe on every call (and from `account.updated` webhooks). `connected: false` until `POST /api/stripe/connect`.",
      auth: ["bearer", "cookie"],
      errors: { 502: "Stripe did not answer as expected.", 503: "Payments are not configured on this server." },
    },
  })
  .output(ZConnectStatus)
  .query(({ ctx }) => connectStatus(walletDeps(ctx.services), ctx.auth.userId));
