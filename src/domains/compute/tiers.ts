import { formatUnits } from "viem";
import type { ChainDriver } from "../../../drivers/chain/types.ts";
import { readChain, requireChain } from "./chain-access.ts";
import type { TTiersResponse } from "./compute.types.ts";

const USDC_DECIMALS = 6;
const DAYS_PER_MONTH = 30n;

/** The eight tiers as the contract's getTierConfig has them (cached by the driver), prices as decimal USDC. */
export async function listTiers(chain: ChainDriver | null): Promise<TTiersResponse> {
  const tiers = await readChain(() => requireChain(chain).tiers());
  return {
    tiers: tiers.map((t) => ({
      tier: t.tier,
      name: t.name,
      pricePerDay: formatUnits(t.pricePerDay, USDC_DECIMALS),
      pricePerMonth: formatUnits(t.pricePerDay * DAYS_PER_MONTH, USDC_DECIMALS),
      active: t.active,
    })),
  };
}
