import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { chainCursors, chainPurchases, queueJobs, vms } from "../../db/schema/index.ts";
import { PROVISION_QUEUE } from "../../src/domains/compute/provisioning.ts";
import { pollPurchases, purchaseCursorId, type WatcherDeps } from "../../src/domains/compute/watcher.ts";
import { startTestChain, type TestChain } from "../support/chain.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * The purchase watcher against anvil, on the database the tests run on (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): confirmations, exactly-once per (tx hash, log index) across restarts and
 * replicas, and reorgs (anvil snapshot/revert) that drop a purchase.
 *
 * The platforms poll on their own only at start (CHAIN_POLL_MS is an hour); the tests poll
 * explicitly, and the provisioning queue's worker records each purchase's VM as `pending`.
 */

let chain: TestChain;
let t: TestPlatform;
const CONFIRMATIONS = 2;
const quiet = { CHAIN_POLL_MS: "3600000", CHAIN_CONFIRMATIONS: String(CONFIRMATIONS) };

beforeAll(async () => {
  chain = await startTestChain();
  t = await startTestPlatform({ env: { ...chain.env, ...quiet } });
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await chain?.stop();
});

function deps(platform: TestPlatform, overrides: Partial<WatcherDeps> = {}): WatcherDeps {
  const { services } = platform.platform;
  const chainDriver = services.modules.compute.chain;
  if (!chainDriver) throw new Error("the test platform has no chain");
  return {
    db: services.db,
    chain: chainDriver,
    queue: services.queue,
    logger: services.logger,
    confirmations: CONFIRMATIONS,
    startBlock: Number(chain.deployBlock),
    logRange: 2000,
    reorgRewind: 64,
    ...overrides,
  };
}

const db = () => t.platform.services.db;
const purchasesOf = (txHash: string) => db().select().from(chainPurchases).where(eq(chainPurchases.txHash, txHash));
const jobsOf = async (txHash: string) => (await db().select().from(queueJobs).where(eq(queueJobs.queue, PROVISION_QUEUE))).filter((job) => job.key.startsWith(txHash));
const vmOf = async (tokenId: bigint) => (await db().select().from(vms).where(eq(vms.tokenId, Number(tokenId))))[0] ?? null;

/** The provisioning worker runs on its own; wait for the VM row it writes (deadline, not a timing assertion). */
async function waitForVm(tokenId: bigint) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const vm = await vmOf(tokenId);
    if (vm) return vm;
    await Bun.sleep(20);
  }
  throw new Error(`no VM recorded for token ${tokenId}`);
}

/** Polls until the chain's head is read (a platform's own start-up poll may have read part of it first). */
async function catchUp(watcher: WatcherDeps) {
  for (let i = 0; i < 5; i++) {
    const result = await pollPurchases(watcher);
    if (!result.range) return;
  }
}

describe("confirmations", () => {
  test("a purchase is acted on only once CHAIN_CONFIRMATIONS blocks follow it; its VM is then recorded pending", async () => {
    const buyer = chain.wallets[0]!;
    const bought = await chain.buy(buyer, 1, 3);
    await catchUp(deps(t));
    expect(await purchasesOf(bought.txHash)).toEqual([]);

    await chain.mine(CONFIRMATIONS);
    await catchUp(deps(t));
    const [purchase] = await purchasesOf(bought.txHash);
    expect(purchase).toMatchObject({ tokenId: Number(bought.tokenId), buyer: buyer.address, tier: 1, durationDays: 3, totalCost: "6000000", status: "confirmed" });
    expect(await jobsOf(bought.txHash)).toHaveLength(1);

    const vm = await waitForVm(bought.tokenId);
    expect(vm).toMatchObject({ status: "pending", tier: 1, vmType: "gcp", buyer: buyer.address, txHash: bought.txHash });
    expect(vm.expiresAt.getTime() - purchase!.purchaseDate.getTime()).toBe(3 * 86_400_000);
  });

  test("the cursor is durable: it sits after the last confirmed block read", async () => {
    const cursorId = await purchaseCursorId(deps(t).chain);
    const [cursor] = await db().select().from(chainCursors).where(eq(chainCursors.id, cursorId));
    const head = Number(await chain.publicClient.getBlockNumber({ cacheTime: 0 }));
    expect(cursor!.nextBlock).toBe(head - CONFIRMATIONS + 1);
    expect(cursor!.lastBlockHash).toBe((await chain.publicClient.getBlock({ blockNumber: BigInt(head - CONFIRMATIONS) })).hash);
  });
});

describe("exactly once", () => {
  test("a restart re-reading from a lost cursor, and two replicas polling at once, record each log once and provision one VM", async () => {
    const bought = await chain.buy(chain.wallets[1]!, 5, 2);
    await chain.mine(CONFIRMATIONS);

    // A second replica on the same database; both poll at the same moment, several times.
    const replica = await startTestPlatform({ database: t.database, env: { ...chain.env, ...quiet } });
    try {
      await Promise.all([catchUp(deps(t)), catchUp(deps(replica)), catchUp(deps(t)), catchUp(deps(replica))]);
      expect(await purchasesOf(bought.txHash)).toHaveLength(1);
      expect(await jobsOf(bought.txHash)).toHaveLength(1);
      expect(await waitForVm(bought.tokenId)).toMatchObject({ status: "pending", tier: 5, vmType: "gpu-external" });

      // As if the cursor's last write were lost: the replica re-reads everything from the start block.
      const cursorId = await purchaseCursorId(deps(t).chain);
      await db().update(chainCursors).set({ nextBlock: Number(chain.deployBlock), lastBlockHash: null }).where(eq(chainCursors.id, cursorId));
      const reread = await pollPurchases(deps(replica));
      expect(reread.range?.from).toBe(Number(chain.deployBlock));
      expect(reread.recorded).toBe(0);
    } finally {
      await replica.stop();
    }
    expect(await purchasesOf(bought.txHash)).toHaveLength(1);
    expect(await jobsOf(bought.txHash)).toHaveLength(1);
    expect(await db().select().from(vms).where(eq(vms.txHash, bought.txHash))).toHaveLength(1);
  });

  test("a restarted platform (a new process on the same database) carries on from the cursor", async () => {
    const restarted = await startTestPlatform({ database: t.database, env: { ...chain.env, ...quiet } });
    try {
      const bought = await chain.buy(chain.wallets[2]!, 0, 1);
      await chain.mine(CONFIRMATIONS);
      await catchUp(deps(restarted));
      expect(await purchasesOf(bought.txHash)).toHaveLength(1);
      expect(await waitForVm(bought.tokenId)).toMatchObject({ status: "pending", tier: 0 });
      const jobs = await db().select().from(queueJobs).where(eq(queueJobs.queue, PROVISION_QUEUE));
      expect(new Set(jobs.map((job) => job.key)).size).toBe(jobs.length);
      expect(jobs.length).toBe((await db().select().from(chainPurchases)).length);
    } finally {
      await restarted.stop();
    }
  });
});

describe("reorgs (anvil snapshot and revert)", () => {
  test("a reorg dropping an unconfirmed purchase provisions nothing", async () => {
    await catchUp(deps(t));
    const snapshot = await chain.testClient.snapshot();
    const bought = await chain.buy(chain.wallets[3]!, 2, 1);
    await chain.mine(CONFIRMATIONS - 1);
    await catchUp(deps(t));
    expect(await purchasesOf(bought.txHash)).toEqual([]);

    await chain.testClient.revert({ id: snapshot });
    await chain.mine(CONFIRMATIONS + 3);
    await catchUp(deps(t));
    expect(await chain.publicClient.getTransactionReceipt({ hash: bought.txHash }).catch(() => null)).toBeNull();
    expect(await purchasesOf(bought.txHash)).toEqual([]);
    expect(await jobsOf(bought.txHash)).toEqual([]);
    expect(await vmOf(bought.tokenId)).toBeNull();
  });

  test("a reorg deeper than the confirmations: the dropped purchase is marked reorged and its pending VM removed; a purchase in its place gets its own VM", async () => {
    const shallow = deps(t, { confirmations: 0 });
    await catchUp(shallow);
    const snapshot = await chain.testClient.snapshot();
    const dropped = await chain.buy(chain.wallets[3]!, 3, 1);
    await catchUp(shallow);
    expect(await waitForVm(dropped.tokenId)).toMatchObject({ txHash: dropped.txHash, status: "pending" });

    await chain.testClient.revert({ id: snapshot });
    // Another buyer takes the same token id on the new chain, which grows past the old head.
    const replacement = await chain.buy(chain.wallets[0]!, 4, 2);
    expect(replacement.tokenId).toBe(dropped.tokenId);
    await chain.mine(3);
    await catchUp(shallow);

    expect(await purchasesOf(dropped.txHash)).toMatchObject([{ status: "reorged" }]);
    const vm = await waitForVm(replacement.tokenId);
    expect(vm).toMatchObject({ txHash: replacement.txHash, tier: 4, status: "pending" });
    expect(await purchasesOf(replacement.txHash)).toMatchObject([{ status: "confirmed" }]);
  });
});

describe("the background watcher", () => {
  test("with CHAIN_POLL_MS short, a purchase reaches a pending VM with nobody polling by hand", async () => {
    const live = await startTestPlatform({ env: { ...chain.env, CHAIN_POLL_MS: "50", CHAIN_CONFIRMATIONS: "1" } });
    try {
      const bought = await chain.buy(chain.wallets[1]!, 6, 1);
      await chain.mine(1);
      const deadline = Date.now() + 20_000;
      let vm = null;
      while (!vm && Date.now() < deadline) {
        [vm] = await live.platform.services.db.select().from(vms).where(eq(vms.tokenId, Number(bought.tokenId)));
        if (!vm) await Bun.sleep(20);
      }
      expect(vm).toMatchObject({ status: "pending", tier: 6 });
    } finally {
      await live.stop();
    }
  });
});
