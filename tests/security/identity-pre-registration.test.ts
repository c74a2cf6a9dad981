import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "../../client/index.ts";
import { auditLog } from "../../db/schema/index.ts";
import { issueRefreshToken } from "../../src/domains/magic-link/refresh-tokens.ts";
import { findOrCreateUserByEmail, findUserByEmail } from "../../src/auth/users.ts";
import { createUser, uniqueEmail } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { freshIp, magicLinkFlow, resetSignupThrottle } from "../support/identity-helpers.ts";
import { createSecretLedger } from "../support/secret-ledger.ts";

/**
 * Issue 9, finding 2: `POST /api/auth/register` claims any e-mail unverified. When the owner later
 * proves the address (magic link), everything the claimant chose or holds must be gone, and an
 * ADMIN_EMAILS address becomes admin only once proven.
 */
const ADMIN = uniqueEmail("owner-admin");
const PASSWORD = "squatter password 1";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1", ADMIN_EMAILS: ADMIN } });
  await resetSignupThrottle(t);
});
afterAll(() => t.stop());

const ledger = createSecretLedger();
const { signIn } = magicLinkFlow(ledger, (path, init) => t.request(path, init));

/** The attacker speaks from a public address of their own. */
const attackerIp = freshIp("198.19");
function asAttacker(path: string, init: { method?: string; body?: unknown; cookie?: string; bearer?: string } = {}) {
  const headers: Record<string, string> = { "x-forwarded-for": attackerIp };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  // A cookie-authenticated write comes from the site's own pages (Origin).
  if (init.cookie) Object.assign(headers, { cookie: init.cookie, origin: t.url });
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  return t.request(path, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

function sessionFrom(response: Response): string {
  const line = response.headers.getSetCookie().find((c) => c.startsWith("session="));
  if (!line) throw new Error("no session cookie set");
  return line.split(";")[0] as string;
}

describe("a pre-registered claim does not outlive the owner's magic link", () => {
  test("password, cookie sessions, API keys and refresh tokens of the claimant all end; the owner is admin", async () => {
    const username = `squat${Date.now().toString(36)}`;
    const registered = await asAttacker("/api/auth/register", { method: "POST", body: { username, email: ADMIN, password: PASSWORD } });
    expect(registered.status).toBe(201);
    // Unproven: an ADMIN_EMAILS address registered by password is no admin.
    expect(await json(registered)).toMatchObject({ email: ADMIN, role: "user" });
    const cookie = sessionFrom(registered);
    const secondLogin = await asAttacker("/api/auth/login", { method: "POST", body: { username, password: PASSWORD } });
    const secondCookie = sessionFrom(secondLogin);

    // What a claimant can hold: cookie sessions, API keys made with them (both issuing paths).
    const viaCookie = createClient({ url: t.url, headers: { cookie, origin: t.url, "x-forwarded-for": attackerIp } });
    const dashboardKey = (await viaCookie.apiKeys.create.mutate({ name: "squatter" })).key;
    const accountKeyRes = await asAttacker("/api/account/me/api-key", { method: "POST", cookie });
    expect(accountKeyRes.status).toBe(200);
    const accountKey = ((await json(accountKeyRes)) as { api_key: string }).api_key;
    for (const key of [dashboardKey, accountKey]) {
      // Used once, so the principal cache holds them.
      expect((await asAttacker("/api/account/me", { bearer: key })).status).toBe(200);
    }
    // No route hands an unverified claimant a refresh token; one is planted to prove none would survive.
    const claimant = await findUserByEmail(t.platform.services.db, ADMIN);
    const plantedRefresh = await issueRefreshToken(t.platform.services.db, { userId: claimant?.id as string, ttlDays: 1 });

    const owner = await signIn(ADMIN);

    expect((await asAttacker("/api/auth/me", { cookie })).status).toBe(401);
    expect((await asAttacker("/api/auth/me", { cookie: secondCookie })).status).toBe(401);
    for (const key of [dashboardKey, accountKey]) {
      expect((await asAttacker("/api/account/me", { bearer: key })).status).toBe(401);
    }
    const login = await asAttacker("/api/auth/login", { method: "POST", body: { username, password: PASSWORD } });
    expect(login.status).toBe(401);
    const refreshed = await asAttacker("/auth/refresh", { method: "POST", body: { refresh_token: plantedRefresh } });
    expect(refreshed.status).toBe(401);

    const me = await t.request("/api/account/me", { headers: { authorization: `Bearer ${owner.access_token}` } });
    expect(await json(me)).toMatchObject({ id: claimant?.id, email: ADMIN, role: "admin" });
    const after = await findUserByEmail(t.platform.services.db, ADMIN);
    expect(after?.emailVerified).toBe(true);
    expect(after?.passwordHash).toBeNull();

    const audit = await t.platform.services.db.select().from(auditLog);
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: "auth.magic_link.verify",
        outcome: "success",
        actorId: claimant?.id,
        details: { created: false, unverified_claim_cleared: true },
      }),
    );
  });

  test("a verified account keeps its password and sessions when it signs in by magic link", async () => {
    const email = uniqueEmail("verified");
    const username = `verified${Date.now().toString(36)}`;
    await createUser(t, { email, password: PASSWORD, username });
    const login = await asAttacker("/api/auth/login", { method: "POST", body: { username, password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = sessionFrom(login);
    await signIn(email);
    expect((await asAttacker("/api/auth/me", { cookie })).status).toBe(200);
    expect((await asAttacker("/api/auth/login", { method: "POST", body: { username, password: PASSWORD } })).status).toBe(200);
  });
});

describe("ADMIN_EMAILS promotion needs a verified address", () => {
  test("an unverified sign-in of an admin address is a plain user", async () => {
    const email = uniqueEmail("unproven-admin");
    const { user } = await findOrCreateUserByEmail(t.platform.services.db, { email, emailVerified: false, adminEmails: [email] });
    expect(user.role).toBe("user");
    const again = await findOrCreateUserByEmail(t.platform.services.db, { email, emailVerified: false, adminEmails: [email] });
    expect(again.user.role).toBe("user");
    const proven = await findOrCreateUserByEmail(t.platform.services.db, { email, emailVerified: true, adminEmails: [email] });
    expect(proven.user.role).toBe("admin");
  });
});
