import { authedProcedure } from "../../../trpc/procedures.ts";
import { startConnect as start, walletDeps, ZConnectLink } from "../../wallet/index.ts";

export const startConnect = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/stripe/connect",
      surface: "market",
      summary: "Start Connect onboarding",
      description:
        "Creates your Stripe Connect Express account on the first call (later calls reuse it) and returns a fresh onboarding link. Withdrawals need the onboarding finished (`GET /api/stripe/connect/status`).",
      auth: ["bearer", "cookie"],
      errors: { 502: "Stripe did not answer as expected.", 503: "Payments are not configured on this server." },
    },
  })
  .output(ZConnectLink)
  .mutation(({ ctx }) => start(walletDeps(ctx.services), ctx.auth.userId));
