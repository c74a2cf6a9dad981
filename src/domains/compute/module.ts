import type { ChainDriver } from "../../../drivers/chain/types.ts";

/** The compute domain's per-process state, built once at start-up by the composition root. */
export interface ComputeModule {
  /** The VM contract's chain, or null when CHAIN_RPC_URL is unset (the routes that need it answer 503). */
  chain: ChainDriver | null;
}

export function createComputeModule(deps: { chain: ChainDriver | null }): ComputeModule {
  return { chain: deps.chain };
}

declare module "../../platform/services.ts" {
  interface DomainModules {
    compute: ComputeModule;
  }
}
