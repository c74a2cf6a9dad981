import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createWalletClient, http, parseSignature, parseUnits, toHex, type Hex } from "viem";
import { foundry } from "viem/chains";
import { mockUsdcAbi, vmRentalAbi } from "../../drivers/chain/contracts.generated.ts";
import { anvilAccount } from "../../scripts/chain/deploy.ts";
import { startTestChain, type TestChain } from "../support/chain.ts";

/** The contracts on a real local chain (anvil): VMRental as document 004 describes it, MockUSDC's EIP-3009. */

let chain: TestChain;
beforeAll(async () => {
  chain = await startTestChain();
});
afterAll(async () => {
  await chain?.stop();
});

const DAY = 86_400;
const usdcErrors = mockUsdcAbi.filter((item) => item.type === "error");
const read = <F extends "isTokenValid" | "ownerOf">(functionName: F, tokenId: bigint) =>
  chain.publicClient.readContract({ address: chain.vmContract, abi: vmRentalAbi, functionName, args: [tokenId] } as never) as Promise<
    F extends "isTokenValid" ? boolean : Hex
  >;
const walletOf = (index: number) => createWalletClient({ account: anvilAccount(index), chain: { ...foundry, id: chain.chainId }, transport: http(chain.rpcUrl) });

async function reverts(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return String(error);
  }
  throw new Error("expected a revert");
}

describe("VMRental", () => {
  test("getTierConfig gives (price per day in USDC units, active, name)", async () => {
    const config = await chain.publicClient.readContract({ address: chain.vmContract, abi: vmRentalAbi, functionName: "getTierConfig", args: [4] });
    expect(config).toEqual([parseUnits("15", 6), true, "NVIDIA GeForce RTX 4090"]);
  });

  test("purchaseVM pulls price × days of USDC after approve, mints the token to the buyer and emits VMPurchased", async () => {
    const buyer = chain.wallets[0]!;
    const before = await chain.usdcBalance(buyer.address);
    const contractBefore = await chain.usdcBalance(chain.vmContract);
    const bought = await chain.buy(buyer, 1, 7);
    expect(bought.totalCost).toBe(parseUnits("14", 6));
    expect(await chain.usdcBalance(buyer.address)).toBe(before - bought.totalCost);
    expect(await chain.usdcBalance(chain.vmContract)).toBe(contractBefore + bought.totalCost);
    expect(await read("ownerOf", bought.tokenId)).toBe(buyer.address);
    expect(await read("isTokenValid", bought.tokenId)).toBe(true);

    const [log] = await chain.publicClient.getContractEvents({ address: chain.vmContract, abi: vmRentalAbi, eventName: "VMPurchased", fromBlock: bought.blockNumber, toBlock: bought.blockNumber });
    const block = await chain.publicClient.getBlock({ blockNumber: bought.blockNumber });
    expect(log?.args).toEqual({ tokenId: bought.tokenId, buyer: buyer.address, tier: 1, durationDays: 7, purchaseDate: block.timestamp, totalCost: bought.totalCost });
  });

  test("isTokenValid turns false when the rental period is over (anvil time travel), and for a token that does not exist", async () => {
    const bought = await chain.buy(chain.wallets[1]!, 0, 1);
    expect(await read("isTokenValid", bought.tokenId)).toBe(true);
    await chain.testClient.increaseTime({ seconds: DAY + 1 });
    await chain.mine(1);
    expect(await read("isTokenValid", bought.tokenId)).toBe(false);
    expect(await read("isTokenValid", 999_999n)).toBe(false);
    expect(await reverts(() => read("ownerOf", 999_999n))).toContain("ERC721NonexistentToken");
  });

  test("a purchase without approval, of an inactive or unknown tier, or of 0 days reverts", async () => {
    const wallet = walletOf(3);
    const purchase = (tier: number, days: number) =>
      // The token's errors too, so the allowance revert USDC raises inside purchaseVM decodes by name.
      chain.publicClient.simulateContract({ account: wallet.account, address: chain.vmContract, abi: [...vmRentalAbi, ...usdcErrors], functionName: "purchaseVM", args: [tier, days] });
    expect(await reverts(() => purchase(0, 1))).toContain("ERC20InsufficientAllowance");
    expect(await reverts(() => purchase(8, 1))).toContain("InvalidTier");
    expect(await reverts(() => purchase(0, 0))).toContain("InvalidDuration");
    await chain.setTier(6, parseUnits("45", 6), false, "NVIDIA A100 80GB PCIe");
    expect(await reverts(() => purchase(6, 1))).toContain("TierInactive");
  });

  test("only the owner configures tiers", async () => {
    const stranger = walletOf(2);
    const attempt = () =>
      chain.publicClient.simulateContract({ account: stranger.account, address: chain.vmContract, abi: vmRentalAbi, functionName: "setTierConfig", args: [0, 1n, true, "free"] });
    expect(await reverts(attempt)).toContain("OwnableUnauthorizedAccount");
  });
});

describe("MockUSDC (EIP-3009, as USDC)", () => {
  test("6 decimals, domain \"USD Coin\" version \"2\"", async () => {
    const usdc = { address: chain.usdc, abi: mockUsdcAbi } as const;
    expect(await chain.publicClient.readContract({ ...usdc, functionName: "decimals" })).toBe(6);
    const domain = await chain.publicClient.readContract({ ...usdc, functionName: "eip712Domain" });
    expect(domain[1]).toBe("USD Coin");
    expect(domain[2]).toBe("2");
  });

  test("transferWithAuthorization moves the signed amount once; the same authorization again is refused", async () => {
    const from = anvilAccount(4);
    const to = anvilAccount(3).address;
    const value = parseUnits("1.5", 6);
    const nonce = toHex(crypto.getRandomValues(new Uint8Array(32)));
    const validBefore = (await chain.publicClient.getBlock()).timestamp + 3600n;
    const signature = await from.signTypedData({
      domain: { name: "USD Coin", version: "2", chainId: chain.chainId, verifyingContract: chain.usdc },
      types: {
        TransferWithAuthorization: [
          { name: "from", type: "address" },
          { name: "to", type: "address" },
          { name: "value", type: "uint256" },
          { name: "validAfter", type: "uint256" },
          { name: "validBefore", type: "uint256" },
          { name: "nonce", type: "bytes32" },
        ],
      },
      primaryType: "TransferWithAuthorization",
      message: { from: from.address, to, value, validAfter: 0n, validBefore, nonce },
    });
    const { v, r, s } = parseSignature(signature);
    const relayer = walletOf(0);
    const args = [from.address, to, value, 0n, validBefore, nonce, Number(v), r, s] as const;
    const before = await chain.usdcBalance(to);
    const hash = await relayer.writeContract({ address: chain.usdc, abi: mockUsdcAbi, functionName: "transferWithAuthorization", args });
    expect((await chain.publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    expect(await chain.usdcBalance(to)).toBe(before + value);
    expect(await chain.publicClient.readContract({ address: chain.usdc, abi: mockUsdcAbi, functionName: "authorizationState", args: [from.address, nonce] })).toBe(true);
    const replay = () => chain.publicClient.simulateContract({ account: relayer.account, address: chain.usdc, abi: mockUsdcAbi, functionName: "transferWithAuthorization", args });
    expect(await reverts(replay)).toContain("ERC3009UsedAuthorization");
  });
});
