import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUserWithKey, sessionCookieFor } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * Finding 11: JSON routes take only `application/json` bodies (text/plain and form bodies are what
 * a cross-site form can send without a preflight), on REST and tRPC; a write authenticated by the
 * session cookie needs the platform's own Origin; bearer routes document the cookie they accept.
 */
const PUBLIC_URL = "https://cloud.example.test";
let t: TestPlatform;
let bearer: string;
let cookie: string;
beforeAll(async () => {
  t = await startTestPlatform({ env: { PUBLIC_URL } });
  const { user, key } = await createUserWithKey(t);
  bearer = key;
  cookie = await sessionCookieFor(t, user.id);
}, 120_000);
afterAll(() => t.stop());

const trpcError = async (res: Response) =>
  (await json<{ error: { json: { message: string; data: { code: string; httpStatus: number } } } }>(res)).error.json;

describe("JSON routes refuse other content types with 415", () => {
  const login = JSON.stringify({ username: "nobody@example.com", password: "wrong password" });

  test("REST: text/plain, form and multipart bodies are refused in the surface's envelope", async () => {
    for (const contentType of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]) {
      const res = await t.request("/api/auth/login", { method: "POST", headers: { "content-type": contentType }, body: login });
      expect(res.status).toBe(415);
      expect((await json<{ error: string }>(res)).error).toContain("application/json");
    }
    const form = new FormData();
    form.set("username", "nobody@example.com");
    const multipart = await t.request("/api/auth/login", { method: "POST", body: form });
    expect(multipart.status).toBe(415);
    const mobile = await t.request("/api/account/me", {
      method: "PATCH",
      headers: { "content-type": "text/plain", authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ display_name: "Plain" }),
    });
    expect(mobile.status).toBe(415);
    expect(await json(mobile)).toMatchObject({ code: "unsupported_media_type" });
  });

  test("REST: application/json with or without a UTF-8 charset is read; no body needs no type", async () => {
    for (const contentType of ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"]) {
      const res = await t.request("/api/auth/login", { method: "POST", headers: { "content-type": contentType }, body: login });
      expect(res.status).toBe(401);
    }
    const bodiless = await t.request("/api/whoami", { method: "POST", headers: { authorization: `Bearer ${bearer}` } });
    expect(bodiless.status).toBe(200);
  });

  test("tRPC: text/plain is a 415 in tRPC's envelope, not a 500", async () => {
    const res = await t.request("/trpc/auth.login", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ json: { username: "nobody@example.com", password: "wrong password" } }),
    });
    expect(res.status).toBe(415);
    expect((await trpcError(res)).data).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 });
  });

  test("tRPC: a multipart form (what a cross-site form posts) does not reach a procedure", async () => {
    const form = new FormData();
    form.set("x", "1");
    const res = await t.request("/trpc/auth.logout", { method: "POST", body: form, headers: { cookie } });
    expect(res.status).toBe(415);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("cookie-authenticated writes need the platform's own Origin", () => {
  const patchMe = (headers: Record<string, string>) =>
    t.request("/api/account/me", {
      method: "PATCH",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ display_name: "Cookie" }),
    });

  test("no Origin, another site's, or `null`: 403 in the surface's envelope", async () => {
    const refused: Record<string, string>[] = [{}, { origin: "https://evil.example" }, { origin: "null" }, { referer: "https://evil.example/page" }];
    for (const extra of refused) {
      const res = await patchMe({ cookie, ...extra });
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ code: "forbidden", error: expect.stringContaining("Origin") });
    }
  });

  test("the request's own host, PUBLIC_URL, or a same-origin Referer: allowed", async () => {
    const allowed: Record<string, string>[] = [{ origin: t.url }, { origin: PUBLIC_URL }, { referer: `${t.url}/docs` }];
    for (const extra of allowed) {
      const res = await patchMe({ cookie, ...extra });
      expect(res.status).toBe(200);
    }
  });

  test("bearer writes and cookie reads are not affected", async () => {
    expect((await patchMe({ authorization: `Bearer ${bearer}`, origin: "https://evil.example" })).status).toBe(200);
    const read = await t.request("/api/account/me", { headers: { cookie, origin: "https://evil.example" } });
    expect(read.status).toBe(200);
  });

  test("tRPC mutations by cookie: 403 in tRPC's envelope from another origin, allowed from this one", async () => {
    const create = (headers: Record<string, string>) =>
      t.request("/trpc/apiKeys.create", {
        method: "POST",
        headers: { "content-type": "application/json", cookie, ...headers },
        body: JSON.stringify({ json: { name: "from a page" } }),
      });
    const refused = await create({ origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    expect((await trpcError(refused)).data.code).toBe("FORBIDDEN");
    expect((await create({})).status).toBe(403);
    expect((await create({ origin: t.url })).status).toBe(200);
  });
});

describe("bearer routes document the session cookie they accept", () => {
  test("every operation that takes a bearer credential lists the cookie too; cookie writes document 403", async () => {
    const doc = await json<{ paths: Record<string, Record<string, { security: Array<Record<string, unknown>>; responses: Record<string, unknown> }>> }>(
      await t.request("/openapi.json"),
    );
    let bearerOperations = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schemes = operation.security.flatMap((s) => Object.keys(s));
        if (!schemes.includes("bearer")) continue;
        bearerOperations += 1;
        expect({ path, method, schemes }).toEqual({ path, method, schemes: expect.arrayContaining(["bearer", "cookie"]) });
        if (method !== "get") expect(Object.keys(operation.responses)).toContain("403");
      }
    }
    expect(bearerOperations).toBeGreaterThan(10);
    // And the cookie does work on one: a read of a bearer-documented route.
    expect((await t.request("/api/account/me", { headers: { cookie } })).status).toBe(200);
  });
});
