import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { freshIp, fromIp } from "../support/identity-helpers.ts";

/**
 * Finding 9: a handful of accounts from one client took every device. Beyond one live session per
 * user, DEVICE_PER_IP (default 2) live sessions per client address, whatever the accounts.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", TRUSTED_PROXIES: "127.0.0.1", DEVICE_CAPACITY: "10" } });
});
afterAll(() => t.stop());

async function start(ip: string, headers: Record<string, string>) {
  return t.request("/api/sessions", fromIp(ip, { method: "POST", headers }));
}

describe("device admission per client address", () => {
  test("a third account from one address gets 429 in the mobile envelope; other addresses still get devices", async () => {
    const ip = freshIp();
    const headersOf = async () => (await createUserWithKey(t)).headers;
    const [a, b, c, d] = [await headersOf(), await headersOf(), await headersOf(), await headersOf()];

    const first = await start(ip, a);
    expect(first.status).toBe(201);
    expect((await start(ip, b)).status).toBe(201);
    const refused = await start(ip, c);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await json(refused)).toEqual({ error: "Rate limited: 2 live sessions per client address; end one first", code: "rate_limited" });

    // Another client is not affected: capacity is left for it.
    expect((await start(freshIp(), d)).status).toBe(201);

    // Ending one of the address's sessions frees a place for it.
    const { id } = await json<{ id: string }>(first);
    expect((await t.request(`/api/sessions/${id}`, fromIp(ip, { method: "DELETE", headers: a }))).status).toBe(200);
    expect((await start(ip, c)).status).toBe(201);
  }, 60_000);

  test("concurrent requests from one address cannot slip past the cap", async () => {
    const ip = freshIp();
    const accounts = await Promise.all([0, 1, 2, 3].map(() => createUserWithKey(t)));
    // Capacity (10) is not what refuses here: 3 are live after the previous test.
    const statuses = (await Promise.all(accounts.map((account) => start(ip, account.headers).then((res) => res.status)))).sort();
    expect(statuses).toEqual([201, 201, 429, 429]);
  }, 60_000);
});
