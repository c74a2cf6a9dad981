import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { invites } from "../../db/schema/index.ts";
import { createInvite } from "../../src/domains/magic-link/invites.ts";
import { SIGNUP_LIMITS, signupThrottleKeys } from "../../src/domains/magic-link/throttle.ts";
import { findUserByEmail } from "../../src/auth/users.ts";
import { createUser, uniqueEmail } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { freshIp } from "../support/identity-helpers.ts";

/**
 * Issue 9, findings 3 and 9: `POST /api/auth/register` ignored REQUIRE_INVITES and had no per-IP
 * limit. It now follows the magic-link sign-up's invite rule and spends the same per-IP budget.
 */
const PASSWORD = "a long enough password";
let counter = 0;
const username = () => `reg_${Date.now().toString(36)}${(counter += 1)}`;

function register(t: TestPlatform, body: Record<string, unknown>, ip: string) {
  return t.request("/api/auth/register", {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ username: username(), password: PASSWORD, ...body }),
  });
}

describe("REQUIRE_INVITES=true on POST /api/auth/register", () => {
  const ADMIN = uniqueEmail("boss");
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1", REQUIRE_INVITES: "true", ADMIN_EMAILS: ADMIN } });
  });
  afterAll(() => t.stop());

  async function newInviteCode(): Promise<string> {
    const admin = await createUser(t, { role: "admin" });
    return (await createInvite(t.platform.services.db, { createdBy: admin.id })).code;
  }

  test("without a code, or with an unknown one: 403 in the workspaces envelope, no account", async () => {
    const email = uniqueEmail("uninvited");
    const missing = await register(t, { email }, freshIp("198.19"));
    expect(missing.status).toBe(403);
    expect(await json(missing)).toEqual({ error: "An invite code is required to sign up" });
    expect(missing.headers.getSetCookie().some((c) => c.startsWith("session="))).toBe(false);
    const bogus = await register(t, { email, invite_code: "inv_notarealcode" }, freshIp("198.19"));
    expect(bogus.status).toBe(403);
    expect(await json(bogus)).toEqual({ error: "Invite code is invalid, expired or already used" });
    expect(await findUserByEmail(t.platform.services.db, email)).toBeNull();
  });

  test("an ADMIN_EMAILS address has no exemption here: registering proves nothing", async () => {
    const res = await register(t, { email: ADMIN }, freshIp("198.19"));
    expect(res.status).toBe(403);
    expect(await findUserByEmail(t.platform.services.db, ADMIN)).toBeNull();
  });

  test("a valid invite registers once and is spent on the new account, for every sign-up path", async () => {
    const code = await newInviteCode();
    const email = uniqueEmail("invited");
    const res = await register(t, { email, invite_code: ` ${code.toUpperCase()} ` }, freshIp("198.19"));
    expect(res.status).toBe(201);
    const { id } = await json<{ id: string }>(res);
    const [row] = await t.platform.services.db.select().from(invites).where(eq(invites.usedBy, id));
    expect(row?.usedAt).toBeInstanceOf(Date);

    const again = await register(t, { email: uniqueEmail("second"), invite_code: code }, freshIp("198.19"));
    expect(again.status).toBe(403);
    // The magic-link sign-up reads the same rule: the spent invite is refused there too.
    const link = await t.request("/auth/signup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: uniqueEmail("third"), invite_code: code }),
    });
    expect(link.status).toBe(403);
  });
});

describe("per-IP limit on POST /api/auth/register", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" } });
  });
  afterAll(() => t.stop());

  test("the 31st sign-up from one address in an hour is 429 with Retry-After, before any account is made", async () => {
    const ip = freshIp("198.19");
    // 29 sign-ups already counted against the address (29 argon2 hashes would only be slow)…
    const key = signupThrottleKeys({ email: "", ip }).ip;
    for (let i = 0; i < SIGNUP_LIMITS.ip.limit - 1; i++) await t.platform.services.limiter.hit(key, SIGNUP_LIMITS.ip);
    // …the 30th is a real registration…
    expect((await register(t, { email: uniqueEmail("thirtieth") }, ip)).status).toBe(201);
    // …and the 31st is refused.
    const email = uniqueEmail("thirty-first");
    const refused = await register(t, { email }, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await json(refused)).toEqual({ error: expect.stringContaining("Too many sign-up requests from this address") });
    expect(await findUserByEmail(t.platform.services.db, email)).toBeNull();
    // Registrations and magic-link sign-ups share the address's budget.
    const link = await t.request("/auth/signup", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify({ email: uniqueEmail("link") }),
    });
    expect(link.status).toBe(429);
    // Another address is unaffected.
    expect((await register(t, { email: uniqueEmail("elsewhere") }, freshIp("198.19"))).status).toBe(201);
  });

  test("a tRPC batch of registrations counts each one", async () => {
    const ip = freshIp("198.19");
    const key = signupThrottleKeys({ email: "", ip }).ip;
    for (let i = 0; i < SIGNUP_LIMITS.ip.limit - 2; i++) await t.platform.services.limiter.hit(key, SIGNUP_LIMITS.ip);
    const calls = [0, 1, 2].map(() => ({ json: { username: username(), email: uniqueEmail("batch"), password: PASSWORD } }));
    const res = await t.request(`/trpc/${calls.map(() => "auth.register").join(",")}?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify(Object.fromEntries(calls.map((c, i) => [String(i), c]))),
    });
    const results = await json<Array<{ result?: unknown; error?: { json: { data: { httpStatus: number } } } }>>(res);
    const statuses = results.map((r) => (r.error ? r.error.json.data.httpStatus : 200)).sort();
    expect(statuses).toEqual([200, 200, 429]);
  });
});
