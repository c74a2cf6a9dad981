import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { signAccessToken } from "../../src/auth/access-tokens.ts";
import { accessTokenKeys } from "../../src/auth/resolve-principal.ts";
import { createUser, uniqueEmail } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { resetSignupThrottle } from "../support/identity-helpers.ts";

/** Issue 9, finding 13: every response that carries a token or key says `Cache-Control: no-store`, on REST and tRPC. */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  await resetSignupThrottle(t);
});
afterAll(() => t.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const trpcMutation = (procedure: string, input: unknown, headers: Record<string, string> = {}) =>
  post(`/trpc/${procedure}`, { json: input }, headers);

function expectNoStore(response: Response, what: string): void {
  expect({ what, status: response.status, cacheControl: response.headers.get("cache-control") }).toEqual({
    what,
    status: response.status < 300 ? response.status : -1,
    cacheControl: "no-store",
  });
}

describe("Cache-Control: no-store on credentials", () => {
  test("REST: magic-link sign-up, verify, refresh; password register and login; account key", async () => {
    const signup = await post("/auth/signup", { email: uniqueEmail("cache") });
    expectNoStore(signup, "POST /auth/signup");
    const { magic_token } = await json<{ magic_token: string }>(signup);
    const verify = await t.request(`/auth/verify?token=${encodeURIComponent(magic_token)}`);
    expectNoStore(verify, "GET /auth/verify");
    const pair = await json<{ access_token: string; refresh_token: string }>(verify);
    expectNoStore(await post("/auth/refresh", { refresh_token: pair.refresh_token }), "POST /auth/refresh");
    const key = await t.request("/api/account/me/api-key", { method: "POST", headers: { authorization: `Bearer ${pair.access_token}` } });
    expectNoStore(key, "POST /api/account/me/api-key");

    const username = `cache${Date.now().toString(36)}`;
    const password = "cache control matters";
    expectNoStore(await post("/api/auth/register", { username, email: uniqueEmail("cachepw"), password }), "POST /api/auth/register");
    expectNoStore(await post("/api/auth/login", { username, password }), "POST /api/auth/login");
  });

  test("tRPC: auth.verify, auth.refresh, apiKeys.create, account.regenerateApiKey, admin.createInvite", async () => {
    const { magic_token } = await json<{ magic_token: string }>(await post("/auth/signup", { email: uniqueEmail("cachetrpc") }));
    const verify = await trpcMutation("auth.verify", { token: magic_token });
    expectNoStore(verify, "auth.verify");
    const pair = (await json<{ result: { data: { json: { refresh_token: string; access_token: string } } } }>(verify)).result.data.json;
    expectNoStore(await trpcMutation("auth.refresh", { refresh_token: pair.refresh_token }), "auth.refresh");
    const bearer = { authorization: `Bearer ${pair.access_token}` };
    expectNoStore(await trpcMutation("apiKeys.create", { name: "cached?" }, bearer), "apiKeys.create");
    expectNoStore(await trpcMutation("account.regenerateApiKey", undefined, bearer), "account.regenerateApiKey");

    const admin = await createUser(t, { role: "admin" });
    const { token } = await signAccessToken(accessTokenKeys(t.platform.services), { userId: admin.id, ttlSeconds: 300 });
    expectNoStore(await trpcMutation("admin.createInvite", {}, { authorization: `Bearer ${token}` }), "admin.createInvite");
  });
});
