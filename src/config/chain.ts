import { z } from "zod";
import { int } from "./helpers.ts";

const ZAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address");

/**
 * The chain the compute surface sells VMs on (document 004). Unset CHAIN_RPC_URL: no chain, and the
 * compute routes that need it answer 503. Against a real network only CHAIN_RPC_URL,
 * VM_CONTRACT_ADDRESS and USDC_ADDRESS are needed; `bun run chain:dev` prints them for anvil.
 */
export const ZChainConfig = z
  .object({
    CHAIN_RPC_URL: z
      .string()
      .regex(/^(https?|wss?):\/\//, "must be an http(s):// or ws(s):// JSON-RPC URL")
      .optional(),
    VM_CONTRACT_ADDRESS: ZAddress.optional(),
    USDC_ADDRESS: ZAddress.optional(),
    /** Blocks that must follow a purchase's block before the watcher acts on it. */
    CHAIN_CONFIRMATIONS: int({ min: 0, max: 1000, fallback: 3 }),
    /** How often the purchase watcher looks for new blocks. */
    CHAIN_POLL_MS: int({ min: 10, fallback: 2000 }),
    /** First block the watcher reads on a fresh database (the contract's deployment block saves a long scan). */
    CHAIN_START_BLOCK: int({ min: 0, fallback: 0 }),
    /** Most blocks one eth_getLogs call spans (providers cap it). */
    CHAIN_LOG_RANGE: int({ min: 1, fallback: 2000 }),
    /** How far back the watcher re-reads when the last block it read is no longer on the chain (a reorg deeper than the confirmations). */
    CHAIN_REORG_REWIND: int({ min: 1, fallback: 64 }),
    /** How long tier configurations read from the contract are served from memory. */
    CHAIN_TIER_CACHE_MS: int({ min: 0, fallback: 60_000 }),
  })
  .superRefine((e, ctx) => {
    if (e.CHAIN_RPC_URL && !e.VM_CONTRACT_ADDRESS) {
      ctx.addIssue({ code: "custom", path: ["VM_CONTRACT_ADDRESS"], message: "required when CHAIN_RPC_URL is set" });
    }
  })
  .transform((e) => ({
    rpcUrl: e.CHAIN_RPC_URL,
    vmContractAddress: e.VM_CONTRACT_ADDRESS,
    usdcAddress: e.USDC_ADDRESS,
    confirmations: e.CHAIN_CONFIRMATIONS,
    pollMs: e.CHAIN_POLL_MS,
    startBlock: e.CHAIN_START_BLOCK,
    logRange: e.CHAIN_LOG_RANGE,
    reorgRewind: e.CHAIN_REORG_REWIND,
    tierCacheMs: e.CHAIN_TIER_CACHE_MS,
  }));

export type ChainConfig = z.output<typeof ZChainConfig>;
