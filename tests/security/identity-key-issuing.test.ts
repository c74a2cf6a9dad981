import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { signAccessToken } from "../../src/auth/access-tokens.ts";
import { accessTokenKeys } from "../../src/auth/resolve-principal.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * Issue 9, finding 5: `POST /api/account/me/api-key` accepted an API key although `apiKeys.create`
 * refused one, so a leaked key could mint its successor. One rule now guards every key-issuing path.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.stop());

async function accessToken(userId: string): Promise<string> {
  return (await signAccessToken(accessTokenKeys(t.platform.services), { userId, ttlSeconds: 300 })).token;
}

async function trpcError(call: Promise<unknown>): Promise<{ httpStatus: number; code: string; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const data = (error as TRPCClientError<never>).data as unknown as { httpStatus: number; code: string };
  return { httpStatus: data.httpStatus, code: data.code, message: (error as Error).message };
}

const regenerate = (token: string) => t.request("/api/account/me/api-key", { method: "POST", headers: { authorization: `Bearer ${token}` } });

describe("an API key cannot issue API keys, on any path", () => {
  test("REST POST /api/account/me/api-key: 403 in the mobile envelope; the key itself stays as it was", async () => {
    const { key } = await createUserWithKey(t);
    const refused = await regenerate(key);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const body = await json<{ error: string; code: string }>(refused);
    expect(body).toMatchObject({ code: "forbidden", error: "API keys cannot create API keys; sign in to create one" });
    expect(JSON.stringify(body)).not.toContain("oc_live_");
    // Nothing was revoked or issued: the key still works.
    const me = await t.request("/api/account/me", { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
  });

  test("tRPC account.regenerateApiKey and apiKeys.create: 403 FORBIDDEN in the tRPC envelope", async () => {
    const { key } = await createUserWithKey(t);
    for (const call of [() => t.client(key).account.regenerateApiKey.mutate(), () => t.client(key).apiKeys.create.mutate({ name: "successor" })]) {
      expect(await trpcError(call())).toEqual({
        httpStatus: 403,
        code: "FORBIDDEN",
        message: "API keys cannot create API keys; sign in to create one",
      });
    }
    expect((await t.client(key).apiKeys.list.query()).items).toHaveLength(1);
  });

  test("a signed-in person (access token) may use both paths", async () => {
    const { user, key } = await createUserWithKey(t);
    const token = await accessToken(user.id);
    const regenerated = await regenerate(token);
    expect(regenerated.status).toBe(200);
    const { api_key } = await json<{ api_key: string }>(regenerated);
    expect(api_key).toStartWith("oc_live_");
    expect((await t.client(token).apiKeys.create.mutate({ name: "deploy" })).key).toStartWith("oc_live_");
    // The regenerated account key is the user's only primary one; the test key was not primary.
    expect((await t.request("/api/account/me", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });
});
