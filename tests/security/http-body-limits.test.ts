import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixtureRouter } from "../foundation/fixture-router.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { rawRequest } from "../support/raw-http.ts";

/**
 * Finding 7: every body has a limit, checked from Content-Length before reading and counted while
 * reading a chunked one; public routes get less than authenticated ones; uploads get more, and
 * only once the caller is authenticated. 413s come in each surface's envelope (and tRPC's).
 */
/** The documented defaults (src/rest/body-limits.ts), spelled out so a change to them is a decision. */
const PUBLIC_BODY_BYTES = 16 * 1024;
const AUTHED_BODY_BYTES = 64 * 1024;

let t: TestPlatform;
let bearer: string;
beforeAll(async () => {
  t = await startTestPlatform({ router: fixtureRouter });
  bearer = (await createUserWithKey(t)).key;
}, 120_000);
afterAll(() => t.stop());

const jsonOf = (bytes: number, field = "name") => JSON.stringify({ [field]: "x".repeat(bytes), size: 1 });

/** A body fetch sends chunked, with no Content-Length. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.subarray(at, at + 4096));
      controller.close();
    },
  });
}

describe("REST: a JSON body past the route's limit is a 413 in the surface's envelope", () => {
  test("a public route reads at most 16 KiB (Content-Length)", async () => {
    const res = await t.request("/api/v1/fixture-widgets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: jsonOf(PUBLIC_BODY_BYTES),
    });
    expect(res.status).toBe(413);
    const body = await json<{ error: { code: string; message: string } }>(res);
    expect(body.error.code).toBe("payload_too_large");
    expect(body.error.message).toContain(String(PUBLIC_BODY_BYTES));
    // Under the limit, the same route still works.
    const ok = await t.request("/api/v1/fixture-widgets", { method: "POST", headers: { "content-type": "application/json" }, body: jsonOf(100) });
    expect(ok.status).toBe(201);
  });

  test("a chunked body without Content-Length is cut off at the limit too", async () => {
    const res = await t.request("/api/v1/fixture-widgets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunked(jsonOf(200 * 1024)),
    });
    expect(res.status).toBe(413);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("payload_too_large");
    const small = await t.request("/api/v1/fixture-widgets", { method: "POST", headers: { "content-type": "application/json" }, body: chunked(jsonOf(100)) });
    expect(small.status).toBe(201);
  });

  test("the sign-in route is a public one: 16 KiB, workspaces envelope", async () => {
    const res = await t.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "a@example.com", password: "p".repeat(PUBLIC_BODY_BYTES) }),
    });
    expect(res.status).toBe(413);
    expect(await json(res)).toEqual({ error: `Request body is larger than ${PUBLIC_BODY_BYTES} bytes` });
  });

  test("an authenticated route reads up to 64 KiB: mobile envelope past it", async () => {
    const res = await t.request("/api/account/me", {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ display_name: "d".repeat(AUTHED_BODY_BYTES) }),
    });
    expect(res.status).toBe(413);
    expect(await json(res)).toEqual({ error: `Request body is larger than ${AUTHED_BODY_BYTES} bytes`, code: "payload_too_large" });
  });
});

describe("uploads: the large limit only after authentication", () => {
  test("an anonymous upload is a 401 before a byte of its body is read", async () => {
    // 50 MB declared, 10 bytes sent: a server that read the body first would still be waiting.
    const exchange = await rawRequest(
      t.url,
      "POST /api/sessions/ses_abcdefgh12/install HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000000",
      '{"apk_base',
    );
    const res = await exchange.response;
    exchange.close();
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: "Authentication required", code: "unauthorized" });
  });

  test("an authenticated upload past its limit is a 413 from Content-Length, before reading", async () => {
    const exchange = await rawRequest(
      t.url,
      `POST /api/sessions/ses_abcdefgh12/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${bearer}\r\nContent-Type: application/json\r\nContent-Length: 60000000`,
      '{"path":',
    );
    const res = await exchange.response;
    exchange.close();
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: "payload_too_large" });
  });

  test("Bun's own ceiling sits above the largest route limit: that 413 is still the surface's", async () => {
    const exchange = await rawRequest(
      t.url,
      `POST /api/sessions/ses_abcdefgh12/install HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${bearer}\r\nContent-Type: application/json\r\nContent-Length: ${128 * 1024 * 1024 + 100}`,
      '{"apk_base64":',
    );
    const res = await exchange.response;
    exchange.close();
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: `Request body is larger than ${128 * 1024 * 1024} bytes`, code: "payload_too_large" });
    // Far past every limit, Bun refuses before any handler (a 413 without a body), and the server goes on.
    const beyond = await rawRequest(t.url, "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000000");
    expect((await beyond.response).status).toBe(413);
    beyond.close();
    expect((await t.request("/health")).status).toBe(200);
  });

  test("an authenticated upload above the JSON default is read (and reaches the procedure)", async () => {
    const res = await t.request("/api/sessions/ses_abcdefgh12/files", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ path: "/sdcard/a.bin", content_base64: "QUJD".repeat(100_000) }),
    });
    // Past validation, no such session: the 400 KB body was accepted.
    expect(res.status).toBe(404);
  });
});

describe("tRPC: the same limits, in tRPC's envelope", () => {
  const trpcError = async (res: Response) =>
    (await json<{ error: { json: { message: string; data: { code: string; httpStatus: number } } } }>(res)).error.json;

  test("a public procedure's body past 16 KiB is a 413", async () => {
    const res = await t.request("/trpc/auth.login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { username: "a@example.com", password: "p".repeat(PUBLIC_BODY_BYTES) } }),
    });
    expect(res.status).toBe(413);
    expect((await trpcError(res)).data).toMatchObject({ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
  });

  test("a chunked body is counted and cut off", async () => {
    const res = await t.request("/trpc/auth.login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunked(JSON.stringify({ json: { username: "a@example.com", password: "p".repeat(100 * 1024) } })),
    });
    expect(res.status).toBe(413);
    expect((await trpcError(res)).data.code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("an anonymous upload is a 401 before its body is read", async () => {
    const exchange = await rawRequest(
      t.url,
      "POST /trpc/sessions.install HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000000",
      '{"json":',
    );
    const res = await exchange.response;
    exchange.close();
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.json.data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
  });
});
