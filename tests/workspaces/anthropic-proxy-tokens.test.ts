import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import { sandboxProxyTokens, sandboxes, workspaces } from "../../db/schema/index.ts";
import { authenticateProxyToken, issueProxyToken, revokeProxyTokens, usageOf } from "../../src/domains/anthropic-proxy/index.ts";
import { recordUsage } from "../../src/domains/anthropic-proxy/usage.ts";
import { hashToken } from "../../src/platform/tokens.ts";
import { newId } from "../../src/platform/ids.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

/** The per-sandbox proxy token store, straight against the database (both backends). */
let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
});
afterAll(() => database.drop());

async function sandboxRow(status: "creating" | "running" | "paused" = "running") {
  const workspaceId = newId("ws");
  await db.insert(workspaces).values({ id: workspaceId, name: "w" });
  const id = `sbx_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  await db.insert(sandboxes).values({ id, workspaceId, name: "s", type: "opencode", driver: "simulator", secretEncrypted: "x", status });
  return { sandboxId: id, workspaceId };
}

describe("sandbox proxy tokens", () => {
  test("issue returns a plaintext that only its hash is stored for, and it authenticates its sandbox", async () => {
    const sandbox = await sandboxRow();
    const token = await issueProxyToken(db, sandbox);
    const rows = await db.select().from(sandboxProxyTokens).where(eq(sandboxProxyTokens.sandboxId, sandbox.sandboxId));
    expect(rows.map((r) => r.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await authenticateProxyToken(db, token)).toEqual(sandbox);
    expect(await authenticateProxyToken(db, token + "x")).toBeNull();
    expect(await authenticateProxyToken(db, "sk-ant-whatever")).toBeNull();
  });

  test("a new token revokes the older one; revoke refuses the very next lookup", async () => {
    const sandbox = await sandboxRow();
    const first = await issueProxyToken(db, sandbox);
    const second = await issueProxyToken(db, sandbox);
    expect(await authenticateProxyToken(db, first)).toBeNull();
    expect(await authenticateProxyToken(db, second)).toEqual(sandbox);
    await revokeProxyTokens(db, sandbox.sandboxId);
    expect(await authenticateProxyToken(db, second)).toBeNull();
  });

  test("issue and revoke work inside a caller's transaction", async () => {
    const sandbox = await sandboxRow("creating");
    const token = await db.transaction((tx) => issueProxyToken(tx, sandbox));
    expect(await authenticateProxyToken(db, token)).toEqual(sandbox);
    await db.transaction((tx) => revokeProxyTokens(tx, sandbox.sandboxId));
    expect(await authenticateProxyToken(db, token)).toBeNull();
  });

  test("a token of a sandbox that is no longer creating/running is refused even unrevoked", async () => {
    const sandbox = await sandboxRow();
    const token = await issueProxyToken(db, sandbox);
    await db.update(sandboxes).set({ status: "paused" }).where(eq(sandboxes.id, sandbox.sandboxId));
    expect(await authenticateProxyToken(db, token)).toBeNull();
  });

  test("usageOf totals a workspace and one sandbox", async () => {
    const a = await sandboxRow();
    const bId = `sbx_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
    await db.insert(sandboxes).values({ id: bId, workspaceId: a.workspaceId, name: "b", type: "openclaw", driver: "simulator", secretEncrypted: "x" });
    expect(await usageOf(db, { workspaceId: a.workspaceId })).toEqual({ requests: 0, inputTokens: 0, outputTokens: 0 });
    await recordUsage(db, { ...a, model: "claude-x", status: 200, inputTokens: 10, outputTokens: 5 });
    await recordUsage(db, { ...a, model: "claude-x", status: 200, inputTokens: 1, outputTokens: 2 });
    await recordUsage(db, { sandboxId: bId, workspaceId: a.workspaceId, model: null, status: 200, inputTokens: 100, outputTokens: 50 });
    expect(await usageOf(db, { workspaceId: a.workspaceId })).toEqual({ requests: 3, inputTokens: 111, outputTokens: 57 });
    expect(await usageOf(db, { workspaceId: a.workspaceId, sandboxId: a.sandboxId })).toEqual({ requests: 2, inputTokens: 11, outputTokens: 7 });
  });
});
