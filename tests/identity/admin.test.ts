import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "../../client/index.ts";
import { createUser, createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { banList, freshIp, trpcStatus } from "../support/identity-helpers.ts";

let t: TestPlatform;
let admin: Awaited<ReturnType<typeof createUserWithKey>>;
const bans = banList();
beforeAll(async () => {
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" } });
  admin = await createUserWithKey(t, { role: "admin" });
});
afterAll(async () => {
  await bans.liftAll(t);
  await t.stop();
});

const targetBase = crypto.getRandomValues(new Uint8Array(1))[0] ?? 0;
let targetCounter = 0;
/** An address to ban, from the documentation range; unique within this file. */
function targetIp(): string {
  return bans.add(`203.0.113.${((targetBase + ++targetCounter) % 254) + 1}`);
}

// Every request speaks from its own address (freshIp): /admin/* allows 20 requests a minute per IP.
function rest(path: string, options: { key?: string; method?: string; body?: unknown; ip?: string } = {}) {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? freshIp() };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return t.request(path, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

const client = (key: string) => createClient({ url: t.url, token: key, headers: { "x-forwarded-for": freshIp() } });

describe("REST /admin/bans", () => {
  test("401 without a key, 403 for a non-admin, in the compute envelope", async () => {
    const none = await rest("/admin/bans");
    expect(none.status).toBe(401);
    expect(await json(none)).toEqual({ error: "Authentication required" });
    const user = await createUserWithKey(t);
    const forbidden = await rest("/admin/bans", { key: user.key });
    expect(forbidden.status).toBe(403);
    expect(await json(forbidden)).toEqual({ error: "Admin role required" });
    expect((await rest("/admin/bans", { key: user.key, method: "POST", body: { ip: "192.0.2.1" } })).status).toBe(403);
    expect((await rest("/admin/bans/192.0.2.1", { key: user.key, method: "DELETE" })).status).toBe(403);
  });

  test("ban, list, unban; default duration one hour; audited", async () => {
    const ip = targetIp();
    const created = await rest("/admin/bans", { key: admin.key, method: "POST", body: { ip } });
    expect(created.status).toBe(201);
    const ban = await json<{ ip: string; until: string }>(created);
    expect(ban.ip).toBe(ip);
    expect(Date.parse(ban.until)).toBeGreaterThan(Date.now() + 3_590_000);

    const listed = await json<{ bans: { ip: string; until: string }[] }>(await rest("/admin/bans", { key: admin.key }));
    expect(listed.bans).toContainEqual({ ip, until: ban.until });
    for (const entry of listed.bans) expect(Object.keys(entry).sort()).toEqual(["ip", "until"]);

    const removed = await rest(`/admin/bans/${ip}`, { key: admin.key, method: "DELETE" });
    expect(removed.status).toBe(200);
    expect(await json(removed)).toEqual({ ip, removed: true });
    expect(await json(await rest(`/admin/bans/${ip}`, { key: admin.key, method: "DELETE" }))).toEqual({ ip, removed: false });
    const after = await json<{ bans: { ip: string }[] }>(await rest("/admin/bans", { key: admin.key }));
    expect(after.bans.map((b) => b.ip)).not.toContain(ip);

    const page = await client(admin.key).admin.audit.query({ subject: ip, limit: 10 });
    expect(page.items.map((i) => [i.action, i.actor_id, i.details]).reverse()).toEqual([
      ["ban.add", admin.user.id, { minutes: 60, until: ban.until }],
      ["ban.remove", admin.user.id, { was_banned: true }],
      ["ban.remove", admin.user.id, { was_banned: false }],
    ]);
  });

  test("validation: a bad address or duration is 400 naming the field", async () => {
    const bad = await rest("/admin/bans", { key: admin.key, method: "POST", body: { ip: "not-an-ip" } });
    expect(bad.status).toBe(400);
    expect((await json<{ error: string }>(bad)).error).toContain("ip");
    const long = await rest("/admin/bans", { key: admin.key, method: "POST", body: { ip: "192.0.2.9", duration_minutes: 0 } });
    expect(long.status).toBe(400);
    expect((await rest("/admin/bans/999.1.1.1", { key: admin.key, method: "DELETE" })).status).toBe(400);
  });

  test("IPv6 and IPv4-mapped addresses", async () => {
    const created = await json<{ ip: string }>(
      await rest("/admin/bans", { key: admin.key, method: "POST", body: { ip: "2001:DB8::1", duration_minutes: 1 } }),
    );
    expect(created.ip).toBe("2001:db8::1");
    bans.add(created.ip);
    const mapped = targetIp();
    await rest("/admin/bans", { key: admin.key, method: "POST", body: { ip: `::ffff:${mapped}`, duration_minutes: 1 } });
    const listed = await json<{ bans: { ip: string }[] }>(await rest("/admin/bans", { key: admin.key }));
    expect(listed.bans.map((b) => b.ip)).toEqual(expect.arrayContaining(["2001:db8::1", mapped]));
    expect(await json(await rest(`/admin/bans/${encodeURIComponent("2001:db8::1")}`, { key: admin.key, method: "DELETE" }))).toEqual({
      ip: "2001:db8::1",
      removed: true,
    });
  });
});

describe("tRPC admin.*", () => {
  test("listBans / ban / unban are the same procedures", async () => {
    const api = client(admin.key);
    const ip = targetIp();
    const ban = await api.admin.ban.mutate({ ip, duration_minutes: 2 });
    expect(ban.until).toBeInstanceOf(Date);
    expect(ban.until.getTime()).toBeGreaterThan(Date.now() + 110_000);
    expect((await api.admin.listBans.query()).bans).toContainEqual({ ip, until: ban.until });
    expect(await api.admin.unban.mutate({ ip })).toEqual({ ip, removed: true });
    const user = await createUserWithKey(t);
    expect(await trpcStatus(client(user.key).admin.listBans.query())).toBe(403);
    expect(await trpcStatus(client(user.key).admin.audit.query({ limit: 1 }))).toBe(403);
    expect(await trpcStatus(createClient({ url: t.url }).admin.listBans.query())).toBe(401);
  });

  test("setRole changes the role at once, even for a key already cached; audited", async () => {
    const user = await createUserWithKey(t);
    expect((await rest("/admin/bans", { key: user.key })).status).toBe(403);
    const api = client(admin.key);
    expect(await api.admin.setRole.mutate({ user_id: user.user.id, role: "admin" })).toEqual({
      user_id: user.user.id,
      role: "admin",
      previous_role: "user",
    });
    expect((await rest("/admin/bans", { key: user.key })).status).toBe(200);
    await api.admin.setRole.mutate({ user_id: user.user.id, role: "user" });
    expect((await rest("/admin/bans", { key: user.key })).status).toBe(403);

    const page = await api.admin.audit.query({ action: "user.role_change", subject: user.user.id, limit: 10 });
    expect(page.items.map((i) => i.details).reverse()).toEqual([
      { from: "user", to: "admin" },
      { from: "admin", to: "user" },
    ]);
    expect(page.items.every((i) => i.actor_id === admin.user.id && i.outcome === "success")).toBe(true);
  });

  test("setRole: unknown user 404, own role 409", async () => {
    const api = client(admin.key);
    expect(await trpcStatus(api.admin.setRole.mutate({ user_id: "usr_nobody", role: "admin" }))).toBe(404);
    expect(await trpcStatus(api.admin.setRole.mutate({ user_id: admin.user.id, role: "user" }))).toBe(409);
  });

  test("audit: filters and cursor paging", async () => {
    const other = await createUserWithKey(t, { role: "admin" });
    const since = new Date(Date.now() - 1);
    const ips = [targetIp(), targetIp(), targetIp(), targetIp(), targetIp()];
    for (const ip of ips) await client(other.key).admin.ban.mutate({ ip, duration_minutes: 1 });
    await client(other.key).admin.unban.mutate({ ip: ips[0] ?? "" });
    const api = client(admin.key);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.admin.audit.query({ actor_id: other.user.id, action: "ban.add", since, limit: 2, cursor });
      pages += 1;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.subject ?? ""));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ips].reverse());

    const removals = await api.admin.audit.query({ actor_id: other.user.id, action: "ban.remove", limit: 10 });
    expect(removals.items.map((i) => i.subject)).toEqual([ips[0] ?? null]);
    expect(removals.next_cursor).toBeNull();
    const failures = await api.admin.audit.query({ actor_id: other.user.id, outcome: "failure", limit: 10 });
    expect(failures.items).toEqual([]);
    const before = await api.admin.audit.query({ actor_id: other.user.id, until: since, limit: 10 });
    expect(before.items).toEqual([]);
    const user = await createUser(t);
    expect((await api.admin.audit.query({ actor_id: user.id, limit: 10 })).items).toEqual([]);
  });
});
