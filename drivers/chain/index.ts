/** The chain driver (see types.ts): the one factory. */
import { createViemChainDriver } from "./viem.ts";
import type { Address, ChainDriver } from "./types.ts";

export type * from "./types.ts";
export { ChainUnavailableError } from "./types.ts";

export interface ChainSettings {
  rpcUrl?: string;
  vmContractAddress?: string;
  usdcAddress?: string;
  tierCacheMs: number;
}

/** The one place that chooses a chain driver: viem when an RPC URL and the contract are configured, else none (null). */
export function createChainDriver(settings: ChainSettings): ChainDriver | null {
  if (!settings.rpcUrl || !settings.vmContractAddress) return null;
  return createViemChainDriver({
    rpcUrl: settings.rpcUrl,
    vmContractAddress: settings.vmContractAddress as Address,
    usdcAddress: settings.usdcAddress as Address | undefined,
    tierCacheMs: settings.tierCacheMs,
  });
}
