import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * Findings 13 (protocol edges) and 9 (batch size): a wrong method on a REST path is a 405 with
 * Allow in the surface's envelope; tRPC never answers 500 for a method or content type it does not
 * take; a tRPC batch holds at most 20 calls, and the typed client splits larger ones.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
}, 120_000);
afterAll(() => t.stop());

interface TrpcErrorBody {
  error: { json: { message: string; code: number; data: { code: string; httpStatus: number } } };
}

describe("REST: a path served under other methods answers 405 with Allow", () => {
  test("in each surface's envelope", async () => {
    const mobile = await t.request("/api/account/me", { method: "DELETE" });
    expect(mobile.status).toBe(405);
    expect(mobile.headers.get("allow")).toBe("GET, HEAD, PATCH");
    expect(await json(mobile)).toEqual({ error: "Method DELETE is not allowed here; allowed: GET, HEAD, PATCH", code: "method_not_allowed" });
    expect(mobile.headers.get("x-request-id")).toMatch(/^req_/);

    const hosting = await t.request("/api/v1/health", { method: "PUT" });
    expect(hosting.status).toBe(405);
    expect(hosting.headers.get("allow")).toBe("GET, HEAD");
    expect((await json<{ error: { code: string } }>(hosting)).error.code).toBe("method_not_allowed");

    const compute = await t.request("/health", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(compute.status).toBe(405);
    expect(await json(compute)).toEqual({ error: "Method POST is not allowed here; allowed: GET, HEAD" });
  });

  test("path parameters and a trailing slash match too; OPTIONS is not served either", async () => {
    const session = await t.request("/api/sessions/ses_abcdefgh12/", { method: "PATCH" });
    expect(session.status).toBe(405);
    expect(session.headers.get("allow")).toBe("GET, HEAD, DELETE");
    const options = await t.request("/api/auth/login", { method: "OPTIONS" });
    expect(options.status).toBe(405);
    expect(options.headers.get("allow")).toBe("POST");
    const docs = await t.request("/openapi.json", { method: "POST" });
    expect(docs.status).toBe(405);
    expect(docs.headers.get("allow")).toBe("GET, HEAD");
  });

  test("HEAD still works where GET does; unknown paths stay 404", async () => {
    expect((await t.request("/health", { method: "HEAD" })).status).toBe(200);
    const unknown = await t.request("/api/account/nothing-here", { method: "DELETE" });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("allow")).toBeNull();
  });
});

describe("tRPC: methods and content types it does not take are 4xx in its envelope", () => {
  test("OPTIONS and PUT without a Content-Type: 405 with Allow, not 500", async () => {
    for (const method of ["OPTIONS", "PUT", "DELETE", "PATCH"]) {
      const res = await t.request("/trpc/health.compute", { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, POST");
      const body = await json<TrpcErrorBody>(res);
      expect(body.error.json.data).toMatchObject({ code: "METHOD_NOT_SUPPORTED", httpStatus: 405 });
      expect(body.error.json.code).toBe(-32005);
    }
  });

  test("a POST without a Content-Type is a 415", async () => {
    const res = await t.request("/trpc/auth.logout", { method: "POST", body: "{}" });
    expect(res.status).toBe(415);
    expect((await json<TrpcErrorBody>(res)).error.json.data).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 });
  });
});

describe("tRPC batches hold at most 20 calls", () => {
  const batchGet = (n: number) => {
    const paths = Array.from({ length: n }, () => "health.compute").join(",");
    return t.request(`/trpc/${paths}?batch=1&input=${encodeURIComponent("{}")}`);
  };
  const batchPost = (n: number) =>
    t.request(`/trpc/${Array.from({ length: n }, () => "auth.logout").join(",")}?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({}),
    });

  test("21 calls are refused with 400 in tRPC's envelope, before any runs", async () => {
    for (const res of [await batchGet(21), await batchPost(21)]) {
      expect(res.status).toBe(400);
      expect((await json<TrpcErrorBody>(res)).error.json.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400 });
    }
    // A POST batch of logouts would each have cleared the cookie.
    expect((await batchPost(21)).headers.getSetCookie()).toEqual([]);
  });

  test("20 calls are served", async () => {
    const res = await batchGet(20);
    expect(res.status).toBe(200);
    expect(await json<unknown[]>(res)).toHaveLength(20);
  });

  test("the typed client splits more than 20 concurrent calls into batches the server takes", async () => {
    const client = t.client();
    const results = await Promise.all(Array.from({ length: 45 }, () => client.health.compute.query()));
    expect(results).toHaveLength(45);
  });
});

describe("Bun's own edge: a request line and headers over 16 KiB", () => {
  test("is a bare 431 from Bun before any platform code runs, and the server keeps answering", async () => {
    // Bun rejects these before Bun.serve's handlers (error handler included) are called, so the
    // body cannot be the surface's envelope; the route-wide harness keeps its URLs below the limit.
    const response = await t.request(`/api/skills/${"h".repeat(20_000)}`);
    expect(response.status).toBe(431);
    expect(await response.text()).toBe("");
    expect((await t.request("/health")).status).toBe(200);
  });
});
