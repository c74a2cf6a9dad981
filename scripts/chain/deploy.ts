/**
 * Deploys MockUSDC and VMRental on a local chain (anvil), configures the eight tiers of document
 * 004 and funds wallets with USDC: what `bun run chain:dev` and the tests' chain do.
 */
import { createPublicClient, createWalletClient, getAddress, http, parseUnits, type Address, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount, type LocalAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { mockUsdcAbi, mockUsdcBytecode, vmRentalAbi, vmRentalBytecode } from "../../drivers/chain/contracts.generated.ts";

/** anvil's development mnemonic: its accounts are public knowledge, never use them on a real network. */
export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** anvil's development account `index` (0 deploys; 1.. are funded test wallets). */
export function anvilAccount(index: number): HDAccount {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index });
}

/** Default tiers (document 004's specs; prices are this deployment's, USDC per day). */
export const DEFAULT_TIERS: readonly { tier: number; name: string; pricePerDay: string }[] = [
  { tier: 0, name: "1vCPU, 1GB RAM", pricePerDay: "1" },
  { tier: 1, name: "1vCPU, 2GB RAM", pricePerDay: "2" },
  { tier: 2, name: "2vCPU, 4GB RAM", pricePerDay: "4" },
  { tier: 3, name: "4vCPU, 8GB RAM", pricePerDay: "8" },
  { tier: 4, name: "NVIDIA GeForce RTX 4090", pricePerDay: "15" },
  { tier: 5, name: "NVIDIA A100 40GB PCIe", pricePerDay: "30" },
  { tier: 6, name: "NVIDIA A100 80GB PCIe", pricePerDay: "45" },
  { tier: 7, name: "NVIDIA H100 PCIe", pricePerDay: "75.5" },
];

export interface Deployment {
  rpcUrl: string;
  chainId: number;
  usdc: Address;
  vmContract: Address;
  deployer: LocalAccount;
  /** Funded with USDC (and anvil's ETH). */
  wallets: LocalAccount[];
  deployBlock: bigint;
}

export interface DeployOptions {
  rpcUrl: string;
  deployer?: LocalAccount;
  /** Wallets to fund with `usdcEach` (default: anvil's accounts 1..4). */
  fund?: readonly LocalAccount[];
  usdcEach?: string;
}

export async function deployContracts(options: DeployOptions): Promise<Deployment> {
  const transport = http(options.rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport });
  const chainId = await publicClient.getChainId();
  const chain = { ...foundry, id: chainId };
  const deployer = options.deployer ?? anvilAccount(0);
  const walletClient = createWalletClient({ account: deployer, chain, transport });
  const confirm = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };

  const usdcReceipt = await confirm(await walletClient.deployContract({ abi: mockUsdcAbi, bytecode: mockUsdcBytecode, args: [deployer.address] }));
  const usdc = getAddress(usdcReceipt.contractAddress!);
  const vmReceipt = await confirm(
    await walletClient.deployContract({ abi: vmRentalAbi, bytecode: vmRentalBytecode, args: [usdc, deployer.address] }),
  );
  const vmContract = getAddress(vmReceipt.contractAddress!);
  for (const tier of DEFAULT_TIERS) {
    await confirm(
      await walletClient.writeContract({
        address: vmContract,
        abi: vmRentalAbi,
        functionName: "setTierConfig",
        args: [tier.tier, parseUnits(tier.pricePerDay, 6), true, tier.name],
      }),
    );
  }
  const wallets = [...(options.fund ?? [1, 2, 3, 4].map(anvilAccount))];
  const each = parseUnits(options.usdcEach ?? "10000", 6);
  for (const wallet of wallets) {
    await confirm(await walletClient.writeContract({ address: usdc, abi: mockUsdcAbi, functionName: "mint", args: [wallet.address, each] }));
  }
  return { rpcUrl: options.rpcUrl, chainId, usdc, vmContract, deployer, wallets, deployBlock: usdcReceipt.blockNumber };
}
