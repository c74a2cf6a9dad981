/**
 * Chain driver: the VM rental contract (contracts/VMRental.sol, document 004) and the chain it is on.
 *
 * The compute domain reads tier configurations, token ownership and validity, and VMPurchased logs
 * through this interface only; it never sees an RPC client or an ABI.
 *
 * Implementations (chosen only by `createChainDriver` in index.ts):
 *  - viem.ts `createViemChainDriver`: JSON-RPC over HTTP(S) or WebSocket with viem, used whenever
 *    CHAIN_RPC_URL and VM_CONTRACT_ADDRESS are set: anvil in tests and `bun run chain:dev`, Base
 *    (or Base Sepolia) in production. Tier configurations are cached for `tierCacheMs`.
 *  - none: with no CHAIN_RPC_URL the factory returns null and the compute routes that need the
 *    chain answer 503.
 * Errors: `ChainUnavailableError` (the RPC endpoint failed or answered nonsense); a token that does
 * not exist is not an error (`ownerOf` gives null, `isTokenValid` false). Imports nothing of src/.
 */

export type Address = `0x${string}`;
export type Hash = `0x${string}`;

export interface ChainTier {
  tier: number;
  name: string;
  /** USDC units (6 decimals) per day. */
  pricePerDay: bigint;
  active: boolean;
}

/** One VMPurchased(tokenId, buyer, tier, durationDays, purchaseDate, totalCost) log. */
export interface VmPurchaseLog {
  txHash: Hash;
  logIndex: number;
  blockNumber: bigint;
  blockHash: Hash;
  tokenId: bigint;
  buyer: Address;
  tier: number;
  durationDays: number;
  /** Unix seconds (the purchase block's timestamp). */
  purchaseDate: bigint;
  /** USDC units paid. */
  totalCost: bigint;
}

export interface ChainDriverConfig {
  rpcUrl: string;
  vmContractAddress: Address;
  usdcAddress?: Address;
  tierCacheMs: number;
}

export interface ChainDriver {
  readonly kind: "viem";
  readonly vmContractAddress: Address;
  readonly usdcAddress: Address | undefined;
  chainId(): Promise<number>;
  /** The eight tiers, from getTierConfig, cached for `tierCacheMs` (concurrent callers share one read). */
  tiers(): Promise<ChainTier[]>;
  /** The token's owner, or null when it does not exist. */
  ownerOf(tokenId: bigint): Promise<Address | null>;
  /** False for a token that does not exist or whose rental period is over. */
  isTokenValid(tokenId: bigint): Promise<boolean>;
  /** The latest block number. */
  headBlock(): Promise<bigint>;
  /** The hash of block `number` on the chain as it is now, or null when there is no such block (yet). */
  blockHash(number: bigint): Promise<Hash | null>;
  /** VMPurchased logs of the contract in blocks from..to (inclusive), in chain order. */
  purchaseLogs(fromBlock: bigint, toBlock: bigint): Promise<VmPurchaseLog[]>;
  close(): Promise<void>;
}

/** The RPC endpoint failed, timed out or answered something the driver cannot read. */
export class ChainUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChainUnavailableError";
  }
}
