import { sql } from "drizzle-orm";
import { bigint, index, integer, numeric, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * The purchase watcher's durable position on one chain + contract: the next block to read and the
 * hash of the last block read, so a reorg deeper than the confirmations is noticed. The watcher
 * advances it in the same transaction as the purchases it recorded, under a row lock, so replicas
 * never read the same range twice at once and a crash re-reads at most one range.
 */
export const chainCursors = pgTable("chain_cursors", {
  id: text("id").primaryKey(),
  nextBlock: bigint("next_block", { mode: "number" }).notNull(),
  lastBlockHash: text("last_block_hash"),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});

export const CHAIN_PURCHASE_STATUSES = ["confirmed", "reorged"] as const;
export type ChainPurchaseStatus = (typeof CHAIN_PURCHASE_STATUSES)[number];

/**
 * Every VMPurchased log the watcher acted on, once per (tx hash, log index): the primary key is
 * what makes a log processed exactly once across restarts and replicas. `reorged` when the block
 * it was in left the chain.
 */
export const chainPurchases = pgTable(
  "chain_purchases",
  {
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    cursorId: text("cursor_id").notNull(),
    blockNumber: bigint("block_number", { mode: "number" }).notNull(),
    blockHash: text("block_hash").notNull(),
    tokenId: bigint("token_id", { mode: "number" }).notNull(),
    buyer: text("buyer").notNull(),
    tier: integer("tier").notNull(),
    durationDays: integer("duration_days").notNull(),
    purchaseDate: timestamptz("purchase_date").notNull(),
    /** USDC units (uint256). */
    totalCost: numeric("total_cost", { precision: 78, scale: 0 }).notNull(),
    status: text("status", { enum: CHAIN_PURCHASE_STATUSES }).notNull().default("confirmed"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.txHash, t.logIndex] }), index("chain_purchases_cursor_block_idx").on(t.cursorId, t.blockNumber)],
);

/** Document 004's VM statuses, plus `pending` (bought, not yet handed to a provider) and `failed`. */
export const VM_STATUSES = ["pending", "provisioning", "running", "failed", "terminated", "expired"] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

/** One VM per token: the purchase that paid for it and its provisioning state. */
export const vms = pgTable(
  "vms",
  {
    tokenId: bigint("token_id", { mode: "number" }).primaryKey(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    buyer: text("buyer").notNull(),
    tier: integer("tier").notNull(),
    /** `gcp` (tiers 0–3) or `gpu-external` (4–7), as document 004 names them. */
    vmType: text("vm_type").notNull(),
    status: text("status", { enum: VM_STATUSES }).notNull().default("pending"),
    statusReason: text("status_reason"),
    provider: text("provider"),
    instanceId: text("instance_id"),
    sshHost: text("ssh_host"),
    expiresAt: timestamptz("expires_at").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("vms_purchase_uq").on(t.txHash, t.logIndex),
    index("vms_buyer_idx").on(sql`lower(${t.buyer})`),
  ],
);

export type ChainPurchaseRow = typeof chainPurchases.$inferSelect;
export type VmRow = typeof vms.$inferSelect;
