import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "../../client/index.ts";
import { accessTokenKeys } from "../../src/auth/resolve-principal.ts";
import { signAccessToken } from "../../src/auth/access-tokens.ts";
import { queryAudit } from "../../src/domains/audit/service.ts";
import { hashToken } from "../../src/platform/tokens.ts";
import { createUser, createUserWithKey, sessionCookieFor } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { trpcStatus } from "../support/identity-helpers.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" } });
});
afterAll(() => t.stop());

/** A signed-in person's client (access token): creating keys needs one, not an API key. */
async function personClient(userId: string) {
  const { token } = await signAccessToken(accessTokenKeys(t.platform.services), { userId, ttlSeconds: 300 });
  return t.client(token);
}

// Our own client address, so /admin/* counters never meet another file's (or run's) on a shared Redis.
const ip = `198.18.${crypto.getRandomValues(new Uint8Array(2)).join(".")}`;
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}`, "x-forwarded-for": ip } });

describe("apiKeys.create / list / revoke", () => {
  test("create returns the key once; list shows it without key or hash", async () => {
    const user = await createUser(t);
    const api = await personClient(user.id);
    const created = await api.apiKeys.create.mutate({ name: "  deploy script " });
    expect(created.key).toMatch(/^oc_live_[a-z0-9]{40,}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created).toMatchObject({ name: "deploy script", primary: false, expires_at: null, revoked_at: null });
    expect(created.id).toMatch(/^key_/);

    // The new key works as a bearer credential at once.
    const { items } = await t.client(created.key).apiKeys.list.query();
    expect(items.map((k) => k.id)).toEqual([created.id]);
    const raw = await (await t.request("/trpc/apiKeys.list", bearer(created.key))).text();
    expect(raw).not.toContain(created.key);
    expect(raw).not.toContain(hashToken(created.key));
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(
      ["created_at", "expires_at", "id", "last_used_at", "name", "prefix", "primary", "revoked_at"].sort(),
    );
  });

  test("a session cookie may create keys; an API key may not", async () => {
    const { user, key } = await createUserWithKey(t);
    const cookie = await sessionCookieFor(t, user.id);
    // A browser on the platform's own pages: a cookie write carries its Origin.
    const viaCookie = createClient({ url: t.url, headers: { cookie, origin: t.url } });
    expect((await viaCookie.apiKeys.create.mutate({ name: "from dashboard" })).key).toStartWith("oc_live_");
    expect(await trpcStatus(t.client(key).apiKeys.create.mutate({ name: "minted by a key" }))).toBe(403);
  });

  test("validation: empty name, expiry in the past", async () => {
    const user = await createUser(t);
    const api = await personClient(user.id);
    expect(await trpcStatus(api.apiKeys.create.mutate({ name: "" }))).toBe(400);
    expect(await trpcStatus(api.apiKeys.create.mutate({ name: "old", expires_at: new Date(Date.now() - 1000) }))).toBe(400);
  });

  test("revoke is immediate: the key is refused on every bearer route", async () => {
    const { user, key, keyId } = await createUserWithKey(t, { role: "admin" });
    expect((await t.request("/admin/bans", bearer(key))).status).toBe(200);
    expect(await trpcStatus(t.client(key).apiKeys.list.query())).toBe(200);

    const revoked = await t.client(key).apiKeys.revoke.mutate({ id: keyId });
    expect(revoked.revoked_at).toBeInstanceOf(Date);

    const admin = await t.request("/admin/bans", bearer(key));
    expect(admin.status).toBe(401);
    expect(await json(admin)).toEqual({ error: "Authentication required" });
    expect(await trpcStatus(t.client(key).apiKeys.list.query())).toBe(401);

    // Revoking again is a no-op that still answers; the list keeps the revoked key.
    const api = await personClient(user.id);
    expect((await api.apiKeys.revoke.mutate({ id: keyId })).revoked_at).toEqual(revoked.revoked_at);
    expect((await api.apiKeys.list.query()).items.find((k) => k.id === keyId)?.revoked_at).toEqual(revoked.revoked_at);
  });

  test("an expired key is refused, even after it was cached", async () => {
    const admin = await createUser(t, { role: "admin" });
    const api = await personClient(admin.id);
    const expiresAt = new Date(Date.now() + 2500);
    const created = await api.apiKeys.create.mutate({ name: "short", expires_at: expiresAt });
    expect((await t.request("/admin/bans", bearer(created.key))).status).toBe(200);
    await Bun.sleep(expiresAt.getTime() - Date.now() + 100);
    expect((await t.request("/admin/bans", bearer(created.key))).status).toBe(401);
    expect(await trpcStatus(t.client(created.key).apiKeys.list.query())).toBe(401);
  });

  test("another user's key id is not found, and stays valid", async () => {
    const owner = await createUserWithKey(t, { role: "admin" });
    const other = await createUserWithKey(t);
    expect(await trpcStatus(t.client(other.key).apiKeys.revoke.mutate({ id: owner.keyId }))).toBe(404);
    expect(await trpcStatus(t.client(other.key).apiKeys.revoke.mutate({ id: "key_doesnotexist" }))).toBe(404);
    expect((await t.request("/admin/bans", bearer(owner.key))).status).toBe(200);
    expect((await t.client(other.key).apiKeys.list.query()).items.map((k) => k.id)).toEqual([other.keyId]);
  });

  test("unauthenticated calls are 401", async () => {
    expect(await trpcStatus(t.client().apiKeys.list.query())).toBe(401);
    expect(await trpcStatus(t.client("oc_live_notarealkeyatallnotarealkeyatall").apiKeys.list.query())).toBe(401);
  });
});

describe("audit and secrecy", () => {
  test("create and revoke are audited, a foreign revoke as a failure; no key or hash anywhere", async () => {
    const user = await createUser(t);
    const intruder = await createUserWithKey(t);
    const api = await personClient(user.id);
    const created = await api.apiKeys.create.mutate({ name: "audited" });
    await t.client(intruder.key).apiKeys.revoke.mutate({ id: created.id }).catch(() => undefined);
    await api.apiKeys.revoke.mutate({ id: created.id });

    const { items } = await queryAudit(t.platform.services.db, { subject: created.id, limit: 10 });
    const rows = items.map((r) => [r.action, r.outcome, r.actorId]).reverse();
    expect(rows).toEqual([
      ["api_key.create", "success", user.id],
      ["api_key.revoke", "failure", intruder.user.id],
      ["api_key.revoke", "success", user.id],
    ]);
    expect(items.every((r) => r.ip && r.requestId)).toBe(true);

    const everything = JSON.stringify(items) + t.logs.join("\n");
    for (const secret of [created.key, hashToken(created.key), intruder.key, hashToken(intruder.key)]) {
      expect(everything).not.toContain(secret);
    }
  });
});
