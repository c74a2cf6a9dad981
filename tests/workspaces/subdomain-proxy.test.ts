import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { findSandbox } from "../../src/domains/sandboxes/records.ts";
import { sandboxSecret } from "../../src/domains/sandboxes/lifecycle.ts";
import { sessionCookieFor } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { watchSecret } from "../support/secret-watch.ts";
import { call, callJson, runningSandbox, workspaceWithRoles, type SandboxBody, type WorkspaceFixture } from "./workspace-helpers.ts";

/**
 * Issue 13 item 4, the subdomain proxy, on the simulator engine: the sandbox "container" publishes
 * a loopback port with nothing behind it, and this test listens there with a stand-in program, so
 * what the proxy sends and streams can be seen from both ends.
 */
let t: TestPlatform;
let fx: WorkspaceFixture;
let sandbox: SandboxBody;
let host: string;
let secret: string;
let upstream: Server<unknown>;
const seen: { method: string; path: string; headers: Record<string, string>; bodyBytes: number }[] = [];
let releaseSecondEvent: () => void = () => {};

beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", BASE_DOMAIN: "sandboxes.test" } });
  fx = await workspaceWithRoles(t);
  sandbox = await runningSandbox(t, fx.owner, fx.id, "opencode");
  const row = await findSandbox(t.platform.services.db, sandbox.id);
  if (!row?.address) throw new Error("no address");
  secret = await sandboxSecret(t.platform.services, row);
  watchSecret(secret, { issuedByResponse: false });
  host = new URL(sandbox.url).host;
  const port = Number(row.address.split(":").pop());
  upstream = Bun.serve<{ protocol: string | null }>({
    hostname: "127.0.0.1",
    port,
    async fetch(request, server) {
      const url = new URL(request.url);
      const headers = Object.fromEntries(request.headers);
      if (url.pathname === "/ws") {
        seen.push({ method: "WS", path: url.pathname, headers, bodyBytes: 0 });
        const protocol = request.headers.get("sec-websocket-protocol")?.split(",")[0]?.trim() ?? null;
        return server.upgrade(request, { data: { protocol }, headers: protocol ? { "sec-websocket-protocol": protocol } : {} }) ? undefined : new Response("no", { status: 400 });
      }
      const body = request.body ? await new Response(request.body).arrayBuffer() : new ArrayBuffer(0);
      seen.push({ method: request.method, path: url.pathname + url.search, headers, bodyBytes: body.byteLength });
      if (url.pathname === "/event") {
        const released = new Promise<void>((resolve) => (releaseSecondEvent = resolve));
        const stream = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode("event: one\ndata: {\"n\":1}\n\n"));
            await released;
            controller.enqueue(new TextEncoder().encode("event: two\ndata: {\"n\":2}\n\n"));
            controller.close();
          },
        });
        return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
      }
      return Response.json(
        { method: request.method, path: url.pathname + url.search, bytes: body.byteLength },
        { status: url.pathname === "/missing" ? 404 : 200, headers: { "keep-alive": "timeout=5", "x-sandbox": "yes", "set-cookie": "a=1" } },
      );
    },
    websocket: {
      open(ws) {
        ws.send(`hello ${ws.data.protocol ?? "-"}`);
      },
      message(ws, message) {
        ws.send(typeof message === "string" ? `echo:${message}` : message);
      },
    },
  });
}, 120_000);
afterAll(async () => {
  upstream?.stop(true);
  await t.stop();
});

const via = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
  t.request(path, { ...init, headers: { host, ...init.headers } });

describe("members reach the sandbox's program, with its credential and not theirs", () => {
  test("HTTP: status, body and headers pass; hop-by-hop fields, the caller's key and the platform cookie do not", async () => {
    seen.length = 0;
    const response = await via("/echo?x=1", {
      headers: { ...fx.members.viewer.headers, cookie: "session=not-for-the-sandbox; theme=dark", connection: "x-drop-me", "x-drop-me": "1", "x-kept": "2" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: "GET", path: "/echo?x=1", bytes: 0 });
    expect(response.headers.get("x-sandbox")).toBe("yes");
    expect(response.headers.get("keep-alive")).toBeNull();
    expect(response.headers.get("set-cookie")).toBe("a=1");
    const [request] = seen;
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`opencode:${secret}`).toString("base64")}`);
    expect(request?.headers.cookie).toBe("theme=dark");
    expect(request?.headers["x-drop-me"]).toBeUndefined();
    expect(request?.headers["x-kept"]).toBe("2");
    expect(request?.headers["x-forwarded-host"]).toBe(host);
    expect(JSON.stringify(request?.headers)).not.toContain(fx.members.viewer.key);
  });

  test("the upstream's status passes as it is, and API paths on the subdomain are the sandbox's", async () => {
    expect((await via("/missing", { headers: fx.members.developer.headers })).status).toBe(404);
    const api = await via("/api/workspaces", { headers: fx.members.developer.headers });
    expect(await api.json()).toEqual({ method: "GET", path: "/api/workspaces", bytes: 0 });
  });

  test("a request body streams through (1 MiB POST)", async () => {
    const body = new Uint8Array(1024 * 1024).fill(7);
    const response = await via("/upload", { method: "POST", body, headers: { ...fx.members.developer.headers, "content-type": "application/octet-stream" } });
    expect(await response.json()).toEqual({ method: "POST", path: "/upload", bytes: body.byteLength });
  });

  test("a session cookie of the platform lets a member in (and is not passed on)", async () => {
    const cookie = await sessionCookieFor(t, fx.members.maintainer.user.id);
    seen.length = 0;
    const response = await via("/echo", { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(seen[0]?.headers.cookie).toBeUndefined();
  });

  test("SSE: the first event arrives before the program has written the second", async () => {
    const response = await via("/event", { headers: fx.members.viewer.headers });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("event: one")) text += decoder.decode((await reader.read()).value);
    expect(text).not.toContain("event: two");
    releaseSecondEvent();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
    expect(text).toContain("event: two");
  });

  test("WebSocket: upgraded both ways, subprotocol negotiated, text and binary frames", async () => {
    seen.length = 0;
    const ws = new WebSocket(`${t.url.replace("http", "ws")}/ws`, { headers: { host, ...fx.members.viewer.headers }, protocols: ["gateway.v1"] } as unknown as string[]);
    ws.binaryType = "arraybuffer";
    const messages: unknown[] = [];
    const next = () => new Promise<unknown>((resolve, reject) => {
      ws.onmessage = (event) => resolve(event.data);
      ws.onerror = () => reject(new Error("websocket error"));
    });
    messages.push(await next());
    expect(ws.protocol).toBe("gateway.v1");
    ws.send("ping");
    messages.push(await next());
    ws.send(new Uint8Array([1, 2, 3]));
    messages.push(new Uint8Array((await next()) as ArrayBuffer));
    ws.close();
    expect(messages).toEqual(["hello gateway.v1", "echo:ping", new Uint8Array([1, 2, 3])]);
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`opencode:${secret}`).toString("base64")}`);
  });
});

describe("everyone else gets 404 without reaching the sandbox", () => {
  test("non-member, anonymous, a bad key, the other type's prefix", async () => {
    seen.length = 0;
    const wrongPrefix = host.replace(/^oc-/, "claw-");
    const statuses = [
      (await via("/echo", { headers: fx.outsider.headers })).status,
      (await via("/echo")).status,
      (await via("/echo", { headers: { authorization: "Bearer ak_not_a_key" } })).status,
      (await t.request("/echo", { headers: { host: wrongPrefix, ...fx.owner.headers } })).status,
    ];
    expect(statuses).toEqual([404, 404, 404, 404]);
    const ws = new WebSocket(`${t.url.replace("http", "ws")}/ws`, { headers: { host, ...fx.outsider.headers } } as unknown as string[]);
    const outcome = await new Promise<string>((resolve) => {
      ws.onopen = () => resolve("open");
      ws.onerror = () => resolve("refused");
    });
    expect(outcome).toBe("refused");
    expect(seen).toEqual([]);
  });

  test("a Host that is not a sandbox's falls through to the API", async () => {
    const health = await t.request("/health", { headers: { host: "sandboxes.test" } });
    expect(health.status).toBe(200);
    const bad = await t.request("/health", { headers: { host: "oc-sbx-short.sandboxes.test" } });
    expect(bad.status).toBe(200);
  });
});

test("a member removed from the workspace is refused by the very next request", async () => {
  const leaving = fx.members.maintainer;
  expect((await via("/echo", { headers: leaving.headers })).status).toBe(200);
  await callJson(t, fx.owner, "DELETE", `/api/workspaces/${fx.id}/members/${leaving.user.id}`);
  expect((await via("/echo", { headers: leaving.headers })).status).toBe(404);
});

test("a paused sandbox answers 409 with a hint to resume", async () => {
  await callJson(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/pause`);
  const response = await via("/echo", { headers: fx.members.viewer.headers });
  expect(response.status).toBe(409);
  expect(await response.json()).toEqual({ error: `The sandbox is paused; resume it with POST /api/sandboxes/${sandbox.id}/resume` });
  expect((await call(t, fx.outsider, "GET", "/echo")).status).toBe(404);
});

test("in a workspace with auto_resume, a request to a paused sandbox resumes it", async () => {
  const created = await callJson<{ id: string; auto_resume: boolean }>(t, fx.owner, "POST", "/api/workspaces", { name: "auto", auto_resume: true }, 201);
  expect(created.auto_resume).toBe(true);
  const paused = await runningSandbox(t, fx.owner, created.id, "openclaw");
  await callJson(t, fx.owner, "POST", `/api/sandboxes/${paused.id}/pause`);
  // Simulated: the new container runs nothing, so the resumed sandbox answers 502 instead of 409.
  const response = await t.request("/readyz", { headers: { host: new URL(paused.url).host, ...fx.owner.headers } });
  expect(response.status).toBe(502);
  expect((await callJson<SandboxBody>(t, fx.owner, "GET", `/api/sandboxes/${paused.id}`)).status).toBe("running");
});
