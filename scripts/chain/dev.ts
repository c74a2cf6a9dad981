/**
 * `bun run chain:dev`: a local chain for development. Starts anvil (ANVIL_PORT, default 8545, on
 * loopback), deploys MockUSDC and VMRental with document 004's eight tiers, funds anvil's accounts
 * 1..4 with 10,000 USDC each, prints the environment the platform needs, and runs until Ctrl-C.
 *
 *   bun run chain:dev            # in one terminal; copy the printed lines into .env
 *   bun run start                # in another
 */
import { formatUnits } from "viem";
import { startAnvil } from "./anvil.ts";
import { ANVIL_MNEMONIC, DEFAULT_TIERS, deployContracts } from "./deploy.ts";

const anvil = await startAnvil({ port: Number(process.env.ANVIL_PORT ?? 8545) });
let deployment;
try {
  deployment = await deployContracts({ rpcUrl: anvil.rpcUrl });
} catch (error) {
  await anvil.stop();
  throw error;
}

const env = {
  CHAIN_RPC_URL: anvil.rpcUrl,
  VM_CONTRACT_ADDRESS: deployment.vmContract,
  USDC_ADDRESS: deployment.usdc,
  CHAIN_START_BLOCK: String(deployment.deployBlock),
  CHAIN_CONFIRMATIONS: "1",
};
console.log(`anvil on ${anvil.rpcUrl} (chain id ${deployment.chainId}); MockUSDC and VMRental deployed.\n`);
console.log("# the platform's environment (.env):");
for (const [key, value] of Object.entries(env)) console.log(`${key}=${value}`);
console.log("\n# tiers (USDC per day):");
for (const tier of DEFAULT_TIERS) console.log(`#   ${tier.tier}  ${tier.pricePerDay.padStart(5)}  ${tier.name}`);
console.log(`\n# funded with ${formatUnits(10_000_000_000n, 6)} USDC each (anvil's public development mnemonic "${ANVIL_MNEMONIC}", accounts 1..4):`);
for (const [i, wallet] of deployment.wallets.entries()) console.log(`#   account ${i + 1}  ${wallet.address}`);
console.log("\nCtrl-C stops the chain (its state is not kept).");

const stop = async () => {
  await anvil.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
await new Promise(() => {});
