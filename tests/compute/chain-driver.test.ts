import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseUnits } from "viem";
import { ChainUnavailableError, createChainDriver, type ChainDriver } from "../../drivers/chain/index.ts";
import { startTestChain, type TestChain } from "../support/chain.ts";

/** The viem chain driver against anvil: the reads the compute domain relies on, and how it fails. */

let chain: TestChain;
let driver: ChainDriver;
beforeAll(async () => {
  chain = await startTestChain();
  driver = createChainDriver({ rpcUrl: chain.rpcUrl, vmContractAddress: chain.vmContract, usdcAddress: chain.usdc, tierCacheMs: 60_000 })!;
});
afterAll(async () => {
  await driver?.close();
  await chain?.stop();
});

describe("the viem chain driver", () => {
  test("no RPC URL or no contract: no driver", () => {
    expect(createChainDriver({ tierCacheMs: 0 })).toBeNull();
    expect(createChainDriver({ rpcUrl: chain.rpcUrl, tierCacheMs: 0 })).toBeNull();
  });

  test("tiers from getTierConfig, cached: concurrent callers share one read, a later change shows only after the cache", async () => {
    const [first, second] = [driver.tiers(), driver.tiers()];
    expect(first).toBe(second);
    expect((await first)[3]).toEqual({ tier: 3, name: "4vCPU, 8GB RAM", pricePerDay: parseUnits("8", 6), active: true });
    await chain.setTier(3, parseUnits("9", 6), true, "4vCPU, 8GB RAM");
    expect((await driver.tiers())[3]?.pricePerDay).toBe(parseUnits("8", 6));
    const uncached = createChainDriver({ rpcUrl: chain.rpcUrl, vmContractAddress: chain.vmContract, tierCacheMs: 0 })!;
    expect((await uncached.tiers())[3]?.pricePerDay).toBe(parseUnits("9", 6));
  });

  test("ownerOf and isTokenValid; a token that does not exist is null and false", async () => {
    const buyer = chain.wallets[0]!;
    const bought = await chain.buy(buyer, 0, 1);
    expect(await driver.ownerOf(bought.tokenId)).toBe(buyer.address);
    expect(await driver.isTokenValid(bought.tokenId)).toBe(true);
    expect(await driver.ownerOf(10_000n)).toBeNull();
    expect(await driver.isTokenValid(10_000n)).toBe(false);
  });

  test("VMPurchased logs with every field; block hashes, none for a block not mined yet", async () => {
    const buyer = chain.wallets[1]!;
    const bought = await chain.buy(buyer, 5, 4);
    const logs = await driver.purchaseLogs(bought.blockNumber, bought.blockNumber);
    const block = await chain.publicClient.getBlock({ blockNumber: bought.blockNumber });
    expect(logs).toEqual([
      {
        txHash: bought.txHash,
        logIndex: expect.any(Number),
        blockNumber: bought.blockNumber,
        blockHash: block.hash,
        tokenId: bought.tokenId,
        buyer: buyer.address,
        tier: 5,
        durationDays: 4,
        purchaseDate: block.timestamp,
        totalCost: parseUnits("120", 6),
      },
    ]);
    expect(await driver.blockHash(bought.blockNumber)).toBe(block.hash);
    expect(await driver.blockHash((await driver.headBlock()) + 100n)).toBeNull();
    expect(await driver.chainId()).toBe(chain.chainId);
  });

  test("an RPC endpoint that does not answer is ChainUnavailableError", async () => {
    const other = await startTestChain();
    const orphan = createChainDriver({ rpcUrl: other.rpcUrl, vmContractAddress: other.vmContract, tierCacheMs: 60_000 })!;
    await other.stop();
    await expect(orphan.tiers()).rejects.toBeInstanceOf(ChainUnavailableError);
    await expect(orphan.ownerOf(1n)).rejects.toBeInstanceOf(ChainUnavailableError);
    await expect(orphan.headBlock()).rejects.toBeInstanceOf(ChainUnavailableError);
  });
});
