import { createPublicClient, createTestClient, createWalletClient, http, parseEventLogs, type Hex, type LocalAccount } from "viem";
import { foundry } from "viem/chains";
import { mockUsdcAbi, vmRentalAbi } from "../../drivers/chain/contracts.generated.ts";
import { startAnvil, type RunningAnvil } from "../../scripts/chain/anvil.ts";
import { deployContracts, type Deployment } from "../../scripts/chain/deploy.ts";

/**
 * A local chain for one test file: anvil on a random loopback port with MockUSDC and VMRental
 * deployed, the eight tiers configured and anvil's accounts 1..4 funded with 10,000 USDC each.
 * `env` is what the platform needs to use it.
 */
export interface TestChain extends Deployment {
  anvil: RunningAnvil;
  env: Record<string, string>;
  publicClient: ReturnType<typeof createPublicClient>;
  testClient: ReturnType<typeof createTestClient>;
  /** approve + purchaseVM from `buyer`; the purchase's token, transaction and block. */
  buy(buyer: LocalAccount, tier: number, durationDays: number): Promise<{ tokenId: bigint; txHash: Hex; blockNumber: bigint; totalCost: bigint }>;
  /** The owner's setTierConfig. */
  setTier(tier: number, pricePerDay: bigint, active: boolean, name: string): Promise<void>;
  usdcBalance(address: Hex): Promise<bigint>;
  mine(blocks: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestChain(): Promise<TestChain> {
  const anvil = await startAnvil();
  try {
    const deployment = await deployContracts({ rpcUrl: anvil.rpcUrl });
    const transport = http(anvil.rpcUrl);
    const chain = { ...foundry, id: deployment.chainId };
    const publicClient = createPublicClient({ chain, transport });
    const testClient = createTestClient({ chain, mode: "anvil", transport });
    const confirm = async (hash: Hex) => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return receipt;
    };
    const walletOf = (account: LocalAccount) => createWalletClient({ account, chain, transport });
    return {
      ...deployment,
      anvil,
      publicClient,
      testClient,
      env: {
        CHAIN_RPC_URL: anvil.rpcUrl,
        VM_CONTRACT_ADDRESS: deployment.vmContract,
        USDC_ADDRESS: deployment.usdc,
        CHAIN_START_BLOCK: String(deployment.deployBlock),
      },
      async buy(buyer, tier, durationDays) {
        const [pricePerDay] = await publicClient.readContract({ address: deployment.vmContract, abi: vmRentalAbi, functionName: "getTierConfig", args: [tier] });
        const totalCost = pricePerDay * BigInt(durationDays);
        const wallet = walletOf(buyer);
        await confirm(await wallet.writeContract({ address: deployment.usdc, abi: mockUsdcAbi, functionName: "approve", args: [deployment.vmContract, totalCost] }));
        const receipt = await confirm(
          await wallet.writeContract({ address: deployment.vmContract, abi: vmRentalAbi, functionName: "purchaseVM", args: [tier, durationDays] }),
        );
        const [event] = parseEventLogs({ abi: vmRentalAbi, eventName: "VMPurchased", logs: receipt.logs });
        if (!event) throw new Error("purchaseVM emitted no VMPurchased");
        return { tokenId: event.args.tokenId, txHash: receipt.transactionHash, blockNumber: receipt.blockNumber, totalCost };
      },
      async setTier(tier, pricePerDay, active, name) {
        await confirm(
          await walletOf(deployment.deployer).writeContract({
            address: deployment.vmContract,
            abi: vmRentalAbi,
            functionName: "setTierConfig",
            args: [tier, pricePerDay, active, name],
          }),
        );
      },
      usdcBalance: (address) => publicClient.readContract({ address: deployment.usdc, abi: mockUsdcAbi, functionName: "balanceOf", args: [address] }),
      mine: (blocks) => testClient.mine({ blocks }),
      stop: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
