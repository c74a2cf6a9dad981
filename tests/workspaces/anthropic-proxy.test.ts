import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { anthropicUsage, sandboxes, sandboxProxyTokens, workspaces } from "../../db/schema/index.ts";
import { issueProxyToken, revokeProxyTokens, usageOf } from "../../src/domains/anthropic-proxy/index.ts";
import { newId } from "../../src/platform/ids.ts";
import { inputTokensOf, startAnthropicStandIn, STAND_IN_MODEL, STAND_IN_REPLY, type AnthropicStandIn } from "../support/anthropic-stand-in.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { watchSecret } from "../support/secret-watch.ts";

/**
 * The Anthropic proxy (issue 13, item 5) against a local stand-in of Anthropic's Messages API:
 * the stand-in sees the platform's real key and never a sandbox's token, the caller never sees the
 * real key, usage is recorded per sandbox, a revoked token is refused by the next request, and the
 * per-sandbox limits answer 429 in Anthropic's shape. The real key and every proxy token are on the
 * suite's secret watch: the platform's stop() fails if one is in a log line or a JSON/text response.
 */
const RPM = 5;
const TPM = 400;

let standIn: AnthropicStandIn;
let t: TestPlatform;

beforeAll(async () => {
  standIn = startAnthropicStandIn();
  watchSecret(standIn.apiKey, { issuedByResponse: false });
  t = await startTestPlatform({
    env: { ANTHROPIC_API_KEY: standIn.apiKey, ANTHROPIC_BASE_URL: standIn.url, ANTHROPIC_SANDBOX_RPM: String(RPM), ANTHROPIC_SANDBOX_TPM: String(TPM) },
  });
});
afterAll(async () => {
  await t?.stop();
  await standIn?.stop();
});

interface Sandbox {
  sandboxId: string;
  workspaceId: string;
  token: string;
}

/** A workspace with one running sandbox and its proxy token, as the sandboxes domain makes them. */
async function sandbox(): Promise<Sandbox> {
  const db = t.platform.services.db;
  const workspaceId = newId("ws");
  await db.insert(workspaces).values({ id: workspaceId, name: "proxy" });
  const sandboxId = `sbx_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  await db.insert(sandboxes).values({ id: sandboxId, workspaceId, name: "s", type: "opencode", driver: "simulator", secretEncrypted: "x", status: "running" });
  const token = await issueProxyToken(db, { sandboxId, workspaceId });
  watchSecret(token, { issuedByResponse: false });
  return { sandboxId, workspaceId, token };
}

const messagesBody = (extra: Record<string, unknown> = {}) => ({
  model: STAND_IN_MODEL,
  max_tokens: 64,
  messages: [{ role: "user", content: "Say hello." }],
  ...extra,
});

function post(token: string, body: unknown, headers: Record<string, string> = {}, path = "/proxy/anthropic/v1/messages") {
  return t.request(path, {
    method: "POST",
    headers: { "x-api-key": token, "anthropic-version": "2023-06-01", "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Every header and byte the caller received, as one string (to look for the real key in). */
async function everything(response: Response): Promise<{ text: string; all: string }> {
  const text = await response.text();
  return { text, all: `${JSON.stringify([...response.headers])}\n${text}` };
}

function expectAnthropicError(body: string, type: string) {
  const parsed = JSON.parse(body) as { type: string; error: { type: string; message: string } };
  expect(parsed.type).toBe("error");
  expect(parsed.error.type).toBe(type);
  expect(typeof parsed.error.message).toBe("string");
}

describe("the Anthropic proxy", () => {
  test("a JSON Messages call: the stand-in sees the real key and no sandbox token; the caller gets the answer and usage is recorded", async () => {
    const s = await sandbox();
    const before = standIn.seen.length;
    const response = await post(s.token, messagesBody(), { "anthropic-beta": "prompt-caching-2024-07-31", "x-custom": "kept" });
    const { text, all } = await everything(response);
    expect(response.status).toBe(200);
    const message = JSON.parse(text) as { content: { text: string }[]; usage: { input_tokens: number; output_tokens: number } };
    expect(message.content[0]?.text).toBe(STAND_IN_REPLY.join(""));
    expect(all).not.toContain(standIn.apiKey);

    const seen = standIn.seen.slice(before);
    expect(seen).toHaveLength(1);
    const upstream = seen[0]!;
    expect(upstream.path).toBe("/v1/messages");
    expect(upstream.headers["x-api-key"]).toBe(standIn.apiKey);
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.headers["anthropic-version"]).toBe("2023-06-01");
    expect(upstream.headers["anthropic-beta"]).toBe("prompt-caching-2024-07-31");
    expect(upstream.headers["x-custom"]).toBe("kept");
    expect(JSON.stringify(upstream)).not.toContain(s.token);
    expect(JSON.parse(upstream.body)).toEqual(messagesBody());

    expect(await usageOf(t.platform.services.db, { workspaceId: s.workspaceId, sandboxId: s.sandboxId })).toEqual({
      requests: 1,
      inputTokens: inputTokensOf(messagesBody()),
      outputTokens: STAND_IN_REPLY.length,
    });
  });

  test("a streamed call passes each SSE event through as it is produced, and the stream's usage is recorded", async () => {
    const s = await sandbox();
    const body = messagesBody({ stream: true, messages: [{ role: "user", content: "Stream a hello, please." }] });
    const release = standIn.hold();
    // Authorization: Bearer, as @anthropic-ai/sdk 1.x sends it.
    const response = await post("", body, { "x-api-key": "", authorization: `Bearer ${s.token}`, "anthropic-version": "2026-10-21" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    // The stand-in has sent message_start and waits: it reaches the caller before the reply is finished.
    let first = "";
    while (!first.includes("\n\n")) {
      const chunk = await reader.read();
      expect(chunk.done).toBe(false);
      first += decoder.decode(chunk.value, { stream: true });
    }
    expect(first).toStartWith("event: message_start\n");
    expect(first).not.toContain("message_stop");
    release();
    let rest = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      rest += decoder.decode(chunk.value, { stream: true });
    }
    const events = (first + rest).split("\n\n").filter(Boolean).map((block) => block.split("\n")[0]);
    expect(events).toEqual([
      "event: message_start",
      "event: content_block_start",
      "event: ping",
      ...STAND_IN_REPLY.map(() => "event: content_block_delta"),
      "event: content_block_stop",
      "event: message_delta",
      "event: message_stop",
    ]);
    expect(first + rest + JSON.stringify([...response.headers])).not.toContain(standIn.apiKey);
    const upstream = standIn.seen.at(-1)!;
    expect(upstream.headers["x-api-key"]).toBe(standIn.apiKey);
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.headers["anthropic-version"]).toBe("2026-10-21");
    expect(JSON.stringify(upstream)).not.toContain(s.token);
    // The caller sees the end of the stream only once the usage is written.
    expect(await usageOf(t.platform.services.db, { workspaceId: s.workspaceId })).toEqual({
      requests: 1,
      inputTokens: inputTokensOf(body),
      outputTokens: STAND_IN_REPLY.length,
    });
  });

  test("other paths and methods pass through: count_tokens, GET /v1/models, and the upstream's own errors", async () => {
    const s = await sandbox();
    const counted = await post(s.token, messagesBody(), {}, "/proxy/anthropic/v1/messages/count_tokens");
    expect(counted.status).toBe(200);
    expect(await counted.json()).toEqual({ input_tokens: inputTokensOf(messagesBody()) });

    const models = await t.request("/proxy/anthropic/v1/models?limit=5", { headers: { "x-api-key": s.token, "anthropic-version": "2023-06-01" } });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: { id: string }[] }).data[0]?.id).toBe(STAND_IN_MODEL);
    expect(standIn.seen.at(-1)?.search).toBe("?limit=5");

    const bad = await post(s.token, { messages: [] });
    expect(bad.status).toBe(400);
    expectAnthropicError(await bad.text(), "invalid_request_error");
  });

  test("a missing, unknown or revoked token is refused in Anthropic's shape, without reaching the stand-in", async () => {
    const s = await sandbox();
    const before = standIn.seen.length;
    const missing = await t.request("/proxy/anthropic/v1/messages", { method: "POST", headers: { "anthropic-version": "2023-06-01" }, body: "{}" });
    expect(missing.status).toBe(401);
    expectAnthropicError(await missing.text(), "authentication_error");
    const unknown = await post(`${s.token}x`, messagesBody());
    expect(unknown.status).toBe(401);
    expectAnthropicError(await unknown.text(), "authentication_error");
    // The real key itself is no proxy token either.
    const realKey = await post(standIn.apiKey, messagesBody());
    expect(realKey.status).toBe(401);
    await realKey.text();
    expect(standIn.seen.length).toBe(before);

    expect((await post(s.token, messagesBody())).status).toBe(200);
    await revokeProxyTokens(t.platform.services.db, s.sandboxId);
    const revoked = await post(s.token, messagesBody());
    expect(revoked.status).toBe(401);
    expectAnthropicError(await revoked.text(), "authentication_error");
    expect(standIn.seen.length).toBe(before + 1);
  });

  test("malformed credentials are 401 in Anthropic's shape, never a 500", async () => {
    const before = standIn.seen.length;
    const malformed: Record<string, string>[] = [
      { authorization: "Basic b3BlbmNvZGU6eA==" },
      { authorization: "Bearer " },
      { "x-api-key": "acsbx_" },
      { "x-api-key": `acsbx_${"z".repeat(10_000)}` },
      { "x-api-key": "acsbx_'; select 1; --" },
    ];
    for (const headers of malformed) {
      const response = await t.request("/proxy/anthropic/v1/messages", { method: "POST", headers: { "anthropic-version": "2023-06-01", ...headers }, body: "not json" });
      expect(response.status).toBe(401);
      expectAnthropicError(await response.text(), "authentication_error");
    }
    expect(standIn.seen.length).toBe(before);
  });

  test("a paused or deleted sandbox's token is refused at once", async () => {
    for (const status of ["paused", "deleted"] as const) {
      const s = await sandbox();
      expect((await post(s.token, messagesBody())).status).toBe(200);
      await t.platform.services.db.update(sandboxes).set({ status }).where(eq(sandboxes.id, s.sandboxId));
      const refused = await post(s.token, messagesBody());
      expect(refused.status).toBe(401);
      expectAnthropicError(await refused.text(), "authentication_error");
    }
  });

  test("a new token (resume) replaces the old one", async () => {
    const s = await sandbox();
    const next = await issueProxyToken(t.platform.services.db, s);
    watchSecret(next, { issuedByResponse: false });
    expect((await post(s.token, messagesBody())).status).toBe(401);
    expect((await post(next, messagesBody())).status).toBe(200);
  });

  test(`past ${RPM} requests a minute a sandbox gets 429 rate_limit_error; another sandbox is not affected`, async () => {
    const s = await sandbox();
    for (let i = 0; i < RPM; i++) expect((await post(s.token, messagesBody(), {}, "/proxy/anthropic/v1/messages/count_tokens")).status).toBe(200);
    const limited = await post(s.token, messagesBody());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expectAnthropicError(await limited.text(), "rate_limit_error");
    const other = await sandbox();
    expect((await post(other.token, messagesBody())).status).toBe(200);
  });

  test(`past ${TPM} tokens in a minute a sandbox gets 429 rate_limit_error`, async () => {
    const s = await sandbox();
    const big = messagesBody({ messages: [{ role: "user", content: "x".repeat(TPM * 4) }] });
    const first = await post(s.token, big);
    expect(first.status).toBe(200);
    await first.text();
    expect((await usageOf(t.platform.services.db, { workspaceId: s.workspaceId })).inputTokens).toBeGreaterThan(TPM);
    const limited = await post(s.token, messagesBody());
    expect(limited.status).toBe(429);
    expectAnthropicError(await limited.text(), "rate_limit_error");
  });

  test("without ANTHROPIC_API_KEY the proxy answers 503 in Anthropic's shape", async () => {
    const s = await sandbox();
    const bare = await startTestPlatform({ database: t.database });
    try {
      const response = await fetch(`${bare.url}/proxy/anthropic/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": s.token, "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: JSON.stringify(messagesBody()),
      });
      expect(response.status).toBe(503);
      expectAnthropicError(await response.text(), "api_error");
    } finally {
      await bare.stop();
    }
  });

  test("the real key is in no log line, and no usage row or token row holds it", async () => {
    const db = t.platform.services.db;
    const rows = [await db.select().from(anthropicUsage), await db.select().from(sandboxProxyTokens)];
    expect(JSON.stringify(rows)).not.toContain(standIn.apiKey);
    expect(t.logs.join("\n")).not.toContain(standIn.apiKey);
  });
});
