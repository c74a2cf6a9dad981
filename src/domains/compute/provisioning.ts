import { and, eq } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { chainPurchases, vms } from "../../../db/schema/compute.ts";

/** The work queue the purchase watcher feeds: one job per purchase log (key: tx hash, log index, block hash). */
export const PROVISION_QUEUE = "compute.provision";

export interface ProvisionJob {
  txHash: string;
  logIndex: number;
  blockHash: string;
}

const DAY_MS = 86_400_000;

/** Tiers 0–3 are VMs, 4–7 GPUs (document 004's `gcp` / `gpu-external`). */
export const vmTypeOf = (tier: number) => (tier < 4 ? "gcp" : "gpu-external");

/**
 * Records the purchase's VM as `pending` (provisioning on a provider is a later part). Idempotent:
 * one VM per token whatever number of times the job runs; a purchase whose block left the chain
 * (or was replaced by another block) records nothing. The purchase row is locked, so a reorg
 * being recorded at the same moment waits for this or sees its VM.
 */
export async function recordPendingVm(db: Db, job: ProvisionJob): Promise<{ tokenId: number | null; created: boolean }> {
  return db.transaction(async (tx) => {
    const [purchase] = await tx
      .select()
      .from(chainPurchases)
      .where(and(eq(chainPurchases.txHash, job.txHash), eq(chainPurchases.logIndex, job.logIndex)))
      .for("update")
      .limit(1);
    if (!purchase || purchase.status !== "confirmed" || purchase.blockHash !== job.blockHash) return { tokenId: null, created: false };
    const inserted = await tx
      .insert(vms)
      .values({
        tokenId: purchase.tokenId,
        txHash: purchase.txHash,
        logIndex: purchase.logIndex,
        buyer: purchase.buyer,
        tier: purchase.tier,
        vmType: vmTypeOf(purchase.tier),
        status: "pending",
        expiresAt: new Date(purchase.purchaseDate.getTime() + purchase.durationDays * DAY_MS),
      })
      .onConflictDoNothing()
      .returning({ tokenId: vms.tokenId });
    return { tokenId: purchase.tokenId, created: inserted.length > 0 };
  });
}
