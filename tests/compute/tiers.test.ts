import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseUnits } from "viem";
import { loadConfig } from "../../src/config/index.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { startTestChain, type TestChain } from "../support/chain.ts";
import { freshIp, fromIp } from "../support/identity-helpers.ts";

/** GET /tiers (document 004): read from the contract's getTierConfig, cached, prices as decimal USDC. */

let chain: TestChain;
let t: TestPlatform;
beforeAll(async () => {
  chain = await startTestChain();
  t = await startTestPlatform({ env: { ...chain.env, TRUSTED_PROXIES: "127.0.0.1", CHAIN_TIER_CACHE_MS: "3600000", CHAIN_POLL_MS: "3600000" } });
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await chain?.stop();
});

type Tiers = { tiers: { tier: number; name: string; pricePerDay: string; pricePerMonth: string; active: boolean }[] };
const tiers = (platform: TestPlatform) => platform.request("/tiers", fromIp(freshIp("198.18")));

describe("GET /tiers", () => {
  test("the contract's eight tiers, prices per day and per 30 days as decimal USDC strings", async () => {
    const res = await tiers(t);
    expect(res.status).toBe(200);
    const body = await json<Tiers>(res);
    expect(body.tiers).toHaveLength(8);
    expect(body.tiers[1]).toEqual({ tier: 1, name: "1vCPU, 2GB RAM", pricePerDay: "2", pricePerMonth: "60", active: true });
    expect(body.tiers[5]).toEqual({ tier: 5, name: "NVIDIA A100 40GB PCIe", pricePerDay: "30", pricePerMonth: "900", active: true });
    expect(body.tiers[7]).toMatchObject({ tier: 7, name: "NVIDIA H100 PCIe", pricePerDay: "75.5", pricePerMonth: "2265" });
  });

  test("the per-IP limit's headers come with it (100/minute)", async () => {
    const res = await tiers(t);
    expect(res.headers.get("x-ratelimit-limit")).toBe("100");
  });

  test("served from the cache: a tier changed on-chain shows once the cache has expired", async () => {
    await chain.setTier(2, parseUnits("0.123456", 6), false, "2vCPU, 4GB RAM (retired)");
    const cached = await json<Tiers>(await tiers(t));
    expect(cached.tiers[2]).toMatchObject({ pricePerDay: "4", active: true });

    const fresh = await startTestPlatform({ database: t.database, env: { ...chain.env, CHAIN_TIER_CACHE_MS: "0", CHAIN_POLL_MS: "3600000" } });
    try {
      const body = await json<Tiers>(await tiers(fresh));
      expect(body.tiers[2]).toEqual({ tier: 2, name: "2vCPU, 4GB RAM (retired)", pricePerDay: "0.123456", pricePerMonth: "3.70368", active: false });
    } finally {
      await fresh.stop();
    }
  });
});

describe("without a chain", () => {
  test("CHAIN_RPC_URL without VM_CONTRACT_ADDRESS stops the configuration, naming the variable", () => {
    expect(() => loadConfig({ CHAIN_RPC_URL: "http://127.0.0.1:8545" })).toThrow(/VM_CONTRACT_ADDRESS: required when CHAIN_RPC_URL is set/);
    expect(() => loadConfig({ CHAIN_RPC_URL: "http://127.0.0.1:8545", VM_CONTRACT_ADDRESS: "0x12" })).toThrow(/VM_CONTRACT_ADDRESS/);
    expect(loadConfig({}).chain.rpcUrl).toBeUndefined();
  });

  test("no CHAIN_RPC_URL: 503 in the compute envelope, saying what to set", async () => {
    const off = await startTestPlatform();
    try {
      const res = await tiers(off);
      expect(res.status).toBe(503);
      const body = await json<{ error: string }>(res);
      expect(body.error).toContain("CHAIN_RPC_URL");
      // /health does not need the chain.
      expect((await off.request("/health")).status).toBe(200);
    } finally {
      await off.stop();
    }
  });

  test("the chain's RPC endpoint down: 502", async () => {
    const gone = await startTestChain();
    const platform = await startTestPlatform({ env: { ...gone.env, CHAIN_POLL_MS: "3600000" } });
    try {
      await gone.stop();
      const res = await tiers(platform);
      expect(res.status).toBe(502);
      expect((await json<{ error: string }>(res)).error).toContain("chain");
    } finally {
      await platform.stop();
      await gone.stop();
    }
  });
});
