import { publicProcedure } from "../../../trpc/procedures.ts";
import { ZTiersResponse } from "../compute.types.ts";
import { listTiers as readTiers } from "../tiers.ts";

/** Compute surface: `GET /tiers`. */
export const listTiers = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "GET",
      path: "/tiers",
      surface: "compute",
      summary: "Get tiers",
      description:
        "VM tier configurations and pricing, read from the contract's getTierConfig (cached). Prices are decimal USDC strings; pricePerMonth is 30 days.",
      errors: { 502: "The chain's RPC endpoint did not answer.", 503: "No chain is configured on this server (CHAIN_RPC_URL)." },
    },
  })
  .output(ZTiersResponse)
  .query(({ ctx }) => readTiers(ctx.services.modules.compute.chain));
