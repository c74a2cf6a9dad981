/** Every aggregate's tables, one file each. drizzle-kit reads this folder. */
export * from "./anthropic-proxy.ts";
export * from "./audit.ts";
export * from "./compute.ts";
export * from "./credentials.ts";
export * from "./device-sessions.ts";
export * from "./idempotency.ts";
export * from "./ledger.ts";
export * from "./market.ts";
export * from "./payments.ts";
export * from "./rate-limits.ts";
export * from "./skills.ts";
export * from "./storage.ts";
export * from "./users.ts";
export * from "./work-queue.ts";
export * from "./workspaces.ts";
