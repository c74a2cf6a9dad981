import { bigint, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { sandboxes, workspaces } from "./workspaces.ts";

/**
 * The per-sandbox credential a sandbox's agent presents to `/proxy/anthropic/*` instead of the
 * real Anthropic key, stored as its SHA-256 (the plaintext exists once, in the container's env).
 * Issuing a new token revokes the sandbox's older ones; pause and delete revoke them all.
 */
export const sandboxProxyTokens = pgTable(
  "sandbox_proxy_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sandboxId: text("sandbox_id").notNull().references(() => sandboxes.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [index("sandbox_proxy_tokens_sandbox_idx").on(t.sandboxId)],
);

/** One row per proxied Messages call that reported usage: what each sandbox spent, for its workspace. */
export const anthropicUsage = pgTable(
  "anthropic_usage",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    sandboxId: text("sandbox_id").notNull().references(() => sandboxes.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id").notNull().references(() => workspaces.id, { onDelete: "cascade" }),
    model: text("model"),
    /** The upstream's status for the call (200, or the error it answered). */
    status: integer("status").notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    at: timestamptz("at").notNull().defaultNow(),
  },
  (t) => [index("anthropic_usage_workspace_idx").on(t.workspaceId, t.at), index("anthropic_usage_sandbox_idx").on(t.sandboxId, t.at)],
);

export type SandboxProxyTokenRow = typeof sandboxProxyTokens.$inferSelect;
export type AnthropicUsageRow = typeof anthropicUsage.$inferSelect;
