import { ChainUnavailableError, type ChainDriver } from "../../../drivers/chain/index.ts";
import { AppError } from "../../platform/errors.ts";

/** The configured chain, or 503 saying what to set. */
export function requireChain(chain: ChainDriver | null): ChainDriver {
  if (!chain) {
    throw new AppError("UNAVAILABLE", "no chain is configured on this server: set CHAIN_RPC_URL and VM_CONTRACT_ADDRESS (bun run chain:dev prints them for a local chain)");
  }
  return chain;
}

/** Runs a chain read; the RPC endpoint failing is a 502, as document 004 lists. */
export async function readChain<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ChainUnavailableError) throw new AppError("BAD_GATEWAY", "the chain's RPC endpoint did not answer; try again shortly");
    throw error;
  }
}
