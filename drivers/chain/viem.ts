import { BaseError, ContractFunctionRevertedError, createPublicClient, getAddress, http, webSocket, type PublicClient } from "viem";
import { vmRentalAbi } from "./contracts.generated.ts";
import { ChainUnavailableError, type Address, type ChainDriver, type ChainDriverConfig, type ChainTier, type Hash, type VmPurchaseLog } from "./types.ts";

const TIER_COUNT = 8;

/** The contract over JSON-RPC with viem (see types.ts). */
export function createViemChainDriver(config: ChainDriverConfig): ChainDriver {
  const transport = /^wss?:/.test(config.rpcUrl) ? webSocket(config.rpcUrl) : http(config.rpcUrl, { batch: true, retryCount: 1 });
  const client: PublicClient = createPublicClient({ transport });
  const address = getAddress(config.vmContractAddress);
  let cachedTiers: { at: number; tiers: Promise<ChainTier[]> } | null = null;
  let chainId: Promise<number> | null = null;

  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new ChainUnavailableError(`chain ${what} failed: ${error instanceof BaseError ? error.shortMessage : String(error)}`, { cause: error });
    }
  };

  /** A read that reverts (a token that does not exist) gives `fallback`; anything else is the chain failing. */
  const readOr = async <T>(what: string, run: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError)) return fallback;
      throw new ChainUnavailableError(`chain ${what} failed: ${error instanceof BaseError ? error.shortMessage : String(error)}`, { cause: error });
    }
  };

  const readTiers = () =>
    call("getTierConfig", () =>
      Promise.all(
        Array.from({ length: TIER_COUNT }, async (_, tier) => {
          const [pricePerDay, active, name] = await client.readContract({ address, abi: vmRentalAbi, functionName: "getTierConfig", args: [tier] });
          return { tier, name, pricePerDay, active };
        }),
      ),
    );

  return {
    kind: "viem",
    vmContractAddress: address,
    usdcAddress: config.usdcAddress ? getAddress(config.usdcAddress) : undefined,

    chainId() {
      chainId ??= call("eth_chainId", () => client.getChainId()).catch((error: unknown) => {
        chainId = null;
        throw error;
      });
      return chainId;
    },

    tiers() {
      const now = Date.now();
      if (cachedTiers && now - cachedTiers.at < config.tierCacheMs) return cachedTiers.tiers;
      const entry = { at: now, tiers: readTiers() };
      cachedTiers = entry;
      // A failed read is not cached: the next caller asks the chain again.
      entry.tiers.catch(() => {
        if (cachedTiers === entry) cachedTiers = null;
      });
      return entry.tiers;
    },

    ownerOf(tokenId) {
      return readOr<Address | null>("ownerOf", () => client.readContract({ address, abi: vmRentalAbi, functionName: "ownerOf", args: [tokenId] }), null);
    },

    isTokenValid(tokenId) {
      return readOr("isTokenValid", () => client.readContract({ address, abi: vmRentalAbi, functionName: "isTokenValid", args: [tokenId] }), false);
    },

    headBlock() {
      return call("eth_blockNumber", () => client.getBlockNumber({ cacheTime: 0 }));
    },

    async blockHash(number) {
      try {
        const block = await client.getBlock({ blockNumber: number });
        return block.hash;
      } catch (error) {
        if (error instanceof BaseError && error.name === "BlockNotFoundError") return null;
        throw new ChainUnavailableError(`chain eth_getBlockByNumber failed: ${error instanceof BaseError ? error.shortMessage : String(error)}`, { cause: error });
      }
    },

    async purchaseLogs(fromBlock, toBlock) {
      const logs = await call("eth_getLogs", () =>
        client.getContractEvents({ address, abi: vmRentalAbi, eventName: "VMPurchased", fromBlock, toBlock, strict: true }),
      );
      return logs
        .filter((log) => !log.removed)
        .map(
          (log): VmPurchaseLog => ({
            txHash: log.transactionHash as Hash,
            logIndex: log.logIndex,
            blockNumber: log.blockNumber,
            blockHash: log.blockHash as Hash,
            tokenId: log.args.tokenId,
            buyer: getAddress(log.args.buyer),
            tier: log.args.tier,
            durationDays: log.args.durationDays,
            purchaseDate: log.args.purchaseDate,
            totalCost: log.args.totalCost,
          }),
        )
        .sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
    },

    async close() {
      cachedTiers = null;
    },
  };
}
