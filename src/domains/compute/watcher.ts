import { and, eq, gte, sql } from "drizzle-orm";
import type { Db, Tx } from "../../../db/connection.ts";
import { chainCursors, chainPurchases, vms } from "../../../db/schema/compute.ts";
import type { ChainDriver, VmPurchaseLog } from "../../../drivers/chain/types.ts";
import type { Logger } from "../../platform/logger.ts";
import type { WorkQueue } from "../../platform/queue/index.ts";
import { PROVISION_QUEUE, type ProvisionJob } from "./provisioning.ts";

export interface WatcherDeps {
  db: Db;
  chain: ChainDriver;
  queue: WorkQueue;
  logger: Logger;
  /** Blocks that must follow a purchase's block before it is acted on. */
  confirmations: number;
  /** First block read on a fresh database. */
  startBlock: number;
  /** Most blocks per eth_getLogs. */
  logRange: number;
  /** Blocks re-read when the last block read left the chain. */
  reorgRewind: number;
}

export interface PollResult {
  /** Blocks read this poll (inclusive), or null when there was nothing confirmed to read. */
  range: { from: number; to: number } | null;
  recorded: number;
  reorged: number;
}

/** Up to this many log ranges per poll, so one poll catching up a long history stays bounded. */
const RANGES_PER_POLL = 20;

/** One cursor per chain and contract: a database may follow several deployments. */
export async function purchaseCursorId(chain: ChainDriver): Promise<string> {
  return `vm-purchases:${await chain.chainId()}:${chain.vmContractAddress.toLowerCase()}`;
}

/**
 * Reads VMPurchased logs after the durable cursor, up to the block `confirmations` below the head,
 * records each (tx hash, log index) once and enqueues its provisioning job in the same transaction
 * that advances the cursor. When the last block read is no longer on the chain (a reorg deeper
 * than the confirmations), it rewinds, marks purchases whose blocks left the chain `reorged` and
 * drops their not-yet-provisioned VMs, then reads again.
 */
export async function pollPurchases(deps: WatcherDeps): Promise<PollResult> {
  const cursorId = await purchaseCursorId(deps.chain);
  await deps.db.insert(chainCursors).values({ id: cursorId, nextBlock: deps.startBlock }).onConflictDoNothing();
  const result: PollResult = { range: null, recorded: 0, reorged: 0 };
  for (let i = 0; i < RANGES_PER_POLL; i++) {
    const step = await pollOnce(deps, cursorId);
    result.reorged += step.reorged;
    // After a rewind, or another replica moving the cursor first, the next round reads from where the cursor is now.
    if (step.again) continue;
    if (!step.range) break;
    result.range = { from: result.range?.from ?? step.range.from, to: step.range.to };
    result.recorded += step.recorded;
  }
  if (result.recorded > 0) deps.queue.wake(PROVISION_QUEUE);
  return result;
}

async function readCursor(db: Db, cursorId: string) {
  const [cursor] = await db.select().from(chainCursors).where(eq(chainCursors.id, cursorId)).limit(1);
  if (!cursor) throw new Error(`purchase cursor ${cursorId} is missing`);
  return cursor;
}

async function pollOnce(deps: WatcherDeps, cursorId: string): Promise<PollResult & { again?: boolean }> {
  const { db, chain } = deps;
  const cursor = await readCursor(db, cursorId);
  if (cursor.lastBlockHash && cursor.nextBlock > 0) {
    const current = await chain.blockHash(BigInt(cursor.nextBlock - 1));
    if (current !== cursor.lastBlockHash) return { range: null, recorded: 0, reorged: await rewind(deps, cursorId, cursor.nextBlock), again: true };
  }
  const head = Number(await chain.headBlock());
  const safe = head - deps.confirmations;
  if (cursor.nextBlock > safe) return { range: null, recorded: 0, reorged: 0 };
  const from = cursor.nextBlock;
  const to = Math.min(safe, from + deps.logRange - 1);
  // Block `to` has the same hash before and after the logs are read: blocks up to it are its
  // ancestors, so the logs come from the chain that hash names (no reorg in between).
  const toHash = await chain.blockHash(BigInt(to));
  if (!toHash) return { range: null, recorded: 0, reorged: 0 };
  const logs = await chain.purchaseLogs(BigInt(from), BigInt(to));
  if ((await chain.blockHash(BigInt(to))) !== toHash) return { range: null, recorded: 0, reorged: 0, again: true };

  const recorded = await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(chainCursors).where(eq(chainCursors.id, cursorId)).for("update").limit(1);
    // Another replica read this range first (or rewound): its transaction recorded it.
    if (!locked || locked.nextBlock !== from || locked.lastBlockHash !== cursor.lastBlockHash) return -1;
    let count = 0;
    for (const log of logs) {
      if (log.blockNumber > BigInt(to)) continue;
      if (await recordPurchase(tx, cursorId, log)) {
        const job: ProvisionJob = { txHash: log.txHash, logIndex: log.logIndex, blockHash: log.blockHash };
        await deps.queue.enqueue({ queue: PROVISION_QUEUE, key: `${log.txHash}:${log.logIndex}:${log.blockHash}`, payload: job }, tx);
        count++;
      }
    }
    await tx.update(chainCursors).set({ nextBlock: to + 1, lastBlockHash: toHash, updatedAt: new Date() }).where(eq(chainCursors.id, cursorId));
    return count;
  });
  if (recorded < 0) return { range: null, recorded: 0, reorged: 0, again: true };
  if (recorded > 0) deps.logger.info("vm purchases recorded", { from, to, count: recorded });
  return { range: { from, to }, recorded, reorged: 0 };
}

/** True when the log is new, or comes back in another block after a reorg had dropped it. */
async function recordPurchase(tx: Tx, cursorId: string, log: VmPurchaseLog): Promise<boolean> {
  const values = {
    txHash: log.txHash,
    logIndex: log.logIndex,
    cursorId,
    blockNumber: Number(log.blockNumber),
    blockHash: log.blockHash,
    tokenId: Number(log.tokenId),
    buyer: log.buyer,
    tier: log.tier,
    durationDays: log.durationDays,
    purchaseDate: new Date(Number(log.purchaseDate) * 1000),
    totalCost: log.totalCost.toString(),
    status: "confirmed" as const,
  };
  const inserted = await tx.insert(chainPurchases).values(values).onConflictDoNothing().returning({ txHash: chainPurchases.txHash });
  if (inserted.length > 0) return true;
  const revived = await tx
    .update(chainPurchases)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(chainPurchases.txHash, log.txHash), eq(chainPurchases.logIndex, log.logIndex), eq(chainPurchases.status, "reorged")))
    .returning({ txHash: chainPurchases.txHash });
  return revived.length > 0;
}

/**
 * The last block read left the chain: go back `reorgRewind` blocks, mark the purchases recorded
 * since whose block is no longer there `reorged`, drop their VMs that nothing was provisioned for
 * yet, and let the next read record what the chain holds now.
 */
async function rewind(deps: WatcherDeps, cursorId: string, nextBlock: number): Promise<number> {
  const { db, chain, logger } = deps;
  const back = Math.max(deps.startBlock, nextBlock - deps.reorgRewind);
  const candidates = await db
    .select({ txHash: chainPurchases.txHash, logIndex: chainPurchases.logIndex, blockNumber: chainPurchases.blockNumber, blockHash: chainPurchases.blockHash })
    .from(chainPurchases)
    .where(and(eq(chainPurchases.cursorId, cursorId), eq(chainPurchases.status, "confirmed"), gte(chainPurchases.blockNumber, back)));
  const gone: typeof candidates = [];
  for (const purchase of candidates) {
    if ((await chain.blockHash(BigInt(purchase.blockNumber))) !== purchase.blockHash) gone.push(purchase);
  }
  const backHash = back > 0 ? await chain.blockHash(BigInt(back - 1)) : null;
  await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(chainCursors).where(eq(chainCursors.id, cursorId)).for("update").limit(1);
    if (!locked || locked.nextBlock !== nextBlock) return;
    for (const purchase of gone) {
      const marked = await tx
        .update(chainPurchases)
        .set({ status: "reorged", updatedAt: new Date() })
        .where(and(eq(chainPurchases.txHash, purchase.txHash), eq(chainPurchases.logIndex, purchase.logIndex), eq(chainPurchases.blockHash, purchase.blockHash)))
        .returning({ tokenId: chainPurchases.tokenId });
      if (marked.length === 0) continue;
      // Nothing was provisioned for a pending VM; a VM further along is left for its reconciler, with the reason.
      await tx.delete(vms).where(and(eq(vms.txHash, purchase.txHash), eq(vms.logIndex, purchase.logIndex), eq(vms.status, "pending")));
      await tx
        .update(vms)
        .set({ statusReason: "the purchase's block left the chain (reorg)", updatedAt: new Date() })
        .where(and(eq(vms.txHash, purchase.txHash), eq(vms.logIndex, purchase.logIndex)));
    }
    await tx.update(chainCursors).set({ nextBlock: back, lastBlockHash: backHash, updatedAt: sql`now()` }).where(eq(chainCursors.id, cursorId));
  });
  logger.warn("chain reorg: the last block read left the chain; re-reading", { from: back, dropped: gone.length, transactions: gone.map((p) => p.txHash) });
  return gone.length;
}
