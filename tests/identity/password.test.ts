import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { auditLog } from "../../db/schema/index.ts";
import { z } from "zod";
import { findUserByEmail } from "../../src/auth/users.ts";
import { passwordAuthProcedures } from "../../src/domains/password-auth/router.ts";
import { IP_RULE, loginThrottleKeys } from "../../src/domains/password-auth/throttle.ts";
import { router } from "../../src/trpc/init.ts";
import { authedProcedure } from "../../src/trpc/procedures.ts";
import { createUser, uniqueEmail } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" } });
});
afterAll(() => t.stop());

// Client addresses of our own, so throttle counters never meet another file's (or run's) on a shared Redis.
const randomIp = () => `198.19.${crypto.getRandomValues(new Uint8Array(2)).join(".")}`;
const ip = randomIp();

let counter = 0;
const uniqueUsername = (label = "u") => `${label}_${Date.now().toString(36)}${(counter += 1)}`;
const PASSWORD = "correct horse battery";

function send(method: string, path: string, options: { body?: unknown; cookie?: string; from?: string } = {}) {
  const headers: Record<string, string> = { "x-forwarded-for": options.from ?? ip };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.cookie) headers.cookie = options.cookie;
  return t.request(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
}

/** `session=…` from a response's Set-Cookie, as a browser would send it back. */
function sessionFrom(response: Response): string {
  const line = response.headers.getSetCookie().find((c) => c.startsWith("session="));
  if (!line) throw new Error("no session cookie set");
  return line.split(";")[0] as string;
}

async function register(overrides: Partial<{ username: string; email: string; password: string }> = {}) {
  const body = { username: uniqueUsername(), email: uniqueEmail("pw"), password: PASSWORD, ...overrides };
  const response = await send("POST", "/api/auth/register", { body });
  return { response, body };
}

describe("register, me, logout", () => {
  test("register → 201 with the user and a session cookie; me works; logout ends it", async () => {
    const { response, body } = await register({ username: `Mixed_${Date.now().toString(36)}` });
    expect(response.status).toBe(201);
    const user = await json(response);
    expect(Object.keys(user).sort()).toEqual(["display_name", "email", "id", "role", "username"]);
    expect(user).toMatchObject({ username: body.username.toLowerCase(), email: body.email, role: "user" });
    expect(String(user.id)).toMatch(/^usr_/);

    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("session=")) ?? "";
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toContain("Secure"); // test environment; production cookies are Secure
    const cookie = sessionFrom(response);

    const me = await send("GET", "/api/auth/me", { cookie });
    expect(me.status).toBe(200);
    expect(await json(me)).toEqual(user);

    const out = await send("POST", "/api/auth/logout", { cookie });
    expect(out.status).toBe(200);
    expect(await json(out)).toEqual({ ok: true });
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith("session=")) ?? "";
    expect(cleared).toContain("Max-Age=0");

    // The cookie is gone from the browser; and replaying the old one is refused too.
    expect((await send("GET", "/api/auth/me")).status).toBe(401);
    const replay = await send("GET", "/api/auth/me", { cookie });
    expect(replay.status).toBe(401);
    expect(await json(replay)).toEqual({ error: "Authentication required" });
  });

  test("logout without a session still clears the cookie", async () => {
    const out = await send("POST", "/api/auth/logout");
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => c.startsWith("session=;") && c.includes("Max-Age=0"))).toBe(true);
  });

  test("validation: username pattern, password length, e-mail", async () => {
    for (const body of [
      { username: "ab", email: uniqueEmail(), password: PASSWORD },
      { username: "no spaces", email: uniqueEmail(), password: PASSWORD },
      { username: uniqueUsername(), email: "not-an-email", password: PASSWORD },
      { username: uniqueUsername(), email: uniqueEmail(), password: "short" },
      { username: uniqueUsername(), email: uniqueEmail(), password: "x".repeat(257) },
    ]) {
      const response = await send("POST", "/api/auth/register", { body });
      expect(response.status).toBe(400);
      expect(typeof (await json(response)).error).toBe("string");
    }
  });

  test("a taken e-mail or username is 409 (usernames case-insensitively)", async () => {
    const { body } = await register();
    const sameEmail = await register({ email: body.email.toUpperCase() });
    expect(sameEmail.response.status).toBe(409);
    const sameName = await register({ username: body.username.toUpperCase() });
    expect(sameName.response.status).toBe(409);
    expect(await json(sameName.response)).toEqual({ error: "Username is already taken" });
  });

  test("an existing account without a password cannot be claimed by registering its e-mail", async () => {
    const existing = await createUser(t); // a magic-link / OIDC account: no password
    const { response } = await register({ email: existing.email });
    expect(response.status).toBe(409);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("session="))).toBe(false);
    const after = await findUserByEmail(t.platform.services.db, existing.email);
    expect(after?.passwordHash).toBeNull();
    expect(after?.username).toBeNull();
  });
});

describe("login", () => {
  test("by username, by e-mail in `username`, or by `email`", async () => {
    const { response, body } = await register();
    const { id } = await json(response);
    for (const credentials of [
      { username: body.username, password: PASSWORD },
      { username: body.username.toUpperCase(), password: PASSWORD },
      { username: body.email, password: PASSWORD },
      { email: body.email, password: PASSWORD },
    ]) {
      const login = await send("POST", "/api/auth/login", { body: credentials });
      expect(login.status).toBe(200);
      expect((await json(login)).id).toBe(id);
      const me = await send("GET", "/api/auth/me", { cookie: sessionFrom(login) });
      expect((await json(me)).id).toBe(id);
    }
  });

  test("wrong password and unknown user: the same 401, audited as failures", async () => {
    const { response, body } = await register();
    const { id } = await json(response);
    const wrong = await send("POST", "/api/auth/login", { body: { username: body.username, password: "not the password" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const unknown = await send("POST", "/api/auth/login", { body: { username: uniqueUsername("ghost"), password: "whatever1234" } });
    expect(unknown.status).toBe(401);
    const [unknownBody, wrongBody] = [await json(unknown), await json(wrong)];
    expect(unknownBody).toEqual(wrongBody);
    expect(unknownBody).toEqual({ error: "Invalid username or password" });

    const rows = await t.platform.services.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.login"), eq(auditLog.subject, String(id))));
    expect(rows.map((r) => r.outcome)).toContain("failure");
    expect(rows.find((r) => r.outcome === "failure")?.details).toMatchObject({ method: "password", reason: "bad_password" });
  });

  test("an account without a password cannot log in", async () => {
    const user = await createUser(t, { username: uniqueUsername("nopw") });
    const login = await send("POST", "/api/auth/login", { body: { username: user.email, password: "anything-at-all" } });
    expect(login.status).toBe(401);
  });

  test("missing login field is 400", async () => {
    const login = await send("POST", "/api/auth/login", { body: { password: PASSWORD } });
    expect(login.status).toBe(400);
  });

  test("5 failures per account in 15 minutes → 429 with Retry-After, even with the right password", async () => {
    const { body } = await register();
    const from = randomIp();
    for (let i = 0; i < 5; i++) {
      const r = await send("POST", "/api/auth/login", { body: { username: body.username, password: `wrong-${i}-password` }, from });
      expect(r.status).toBe(401);
    }
    const blocked = await send("POST", "/api/auth/login", { body: { username: body.username, password: PASSWORD }, from });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await json(blocked)).toEqual({ error: "Too many sign-in attempts; try again later" });
    // Per account: another address is throttled as well (the account is what is being guessed).
    const elsewhere = await send("POST", "/api/auth/login", { body: { email: body.email, password: PASSWORD }, from: randomIp() });
    expect(elsewhere.status).toBe(429);
  });

  test("a success clears the account's failures", async () => {
    const { body } = await register();
    for (let i = 0; i < 4; i++) {
      await send("POST", "/api/auth/login", { body: { username: body.username, password: `wrong-${i}-password` } });
    }
    expect((await send("POST", "/api/auth/login", { body: { username: body.username, password: PASSWORD } })).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      await send("POST", "/api/auth/login", { body: { username: body.username, password: `wrong-${i}-password` } });
    }
    expect((await send("POST", "/api/auth/login", { body: { username: body.username, password: PASSWORD } })).status).toBe(200);
  });

  test("30 failures from one IP in 15 minutes → 429 for any account from it", async () => {
    const from = randomIp();
    // 29 failures already counted against the address (30 real argon2 checks would only be slow)…
    const keys = loginThrottleKeys({ account: "unused", ip: from });
    for (let i = 0; i < IP_RULE.limit - 1; i++) await t.platform.services.limiter.hit(keys.ip, IP_RULE);
    // …the 30th is a real failed login…
    const last = await send("POST", "/api/auth/login", { body: { username: uniqueUsername("spray"), password: "guess-guess-guess" }, from });
    expect(last.status).toBe(401);
    // …and now every account is refused from that address, before any password check.
    const { body } = await register();
    const blocked = await send("POST", "/api/auth/login", { body: { username: body.username, password: PASSWORD }, from });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).not.toBeNull();
    // Others are unaffected.
    expect((await send("POST", "/api/auth/login", { body: { username: body.username, password: PASSWORD } })).status).toBe(200);
  });
});

describe("auth.changePassword (tRPC)", () => {
  async function changePassword(cookie: string, input: { current: string; next: string }) {
    return t.request("/trpc/auth.changePassword", {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: t.url, "x-forwarded-for": ip },
      body: JSON.stringify({ json: input }),
    });
  }

  test("ends every session, issues a fresh cookie; the new password works, the old does not", async () => {
    const { response, body } = await register();
    const first = sessionFrom(response);
    const secondLogin = await send("POST", "/api/auth/login", { body: { username: body.username, password: PASSWORD } });
    const second = sessionFrom(secondLogin);
    const next = "a brand new passphrase";

    const changed = await changePassword(first, { current: PASSWORD, next });
    expect(changed.status).toBe(200);
    const fresh = sessionFrom(changed);
    expect(fresh).not.toBe(first);

    expect((await send("GET", "/api/auth/me", { cookie: first })).status).toBe(401);
    expect((await send("GET", "/api/auth/me", { cookie: second })).status).toBe(401);
    expect((await send("GET", "/api/auth/me", { cookie: fresh })).status).toBe(200);
    expect((await send("POST", "/api/auth/login", { body: { username: body.username, password: PASSWORD } })).status).toBe(401);
    expect((await send("POST", "/api/auth/login", { body: { username: body.username, password: next } })).status).toBe(200);
    const user = await findUserByEmail(t.platform.services.db, body.email);
    expect(user?.passwordChangedAt).toBeInstanceOf(Date);
  });

  test("a wrong current password is refused and changes nothing", async () => {
    const { response } = await register();
    const cookie = sessionFrom(response);
    const refused = await changePassword(cookie, { current: "not my password", next: "another passphrase" });
    expect(refused.status).toBe(403);
    expect((await send("GET", "/api/auth/me", { cookie })).status).toBe(200);
  });

  test("needs a session; the new password is validated", async () => {
    expect((await changePassword("session=nope", { current: PASSWORD, next: "another passphrase" })).status).toBe(401);
    const { response } = await register();
    expect((await changePassword(sessionFrom(response), { current: PASSWORD, next: "short" })).status).toBe(400);
  });
});

describe("the session cookie on the market surface", () => {
  // No market route exists yet in this tree; a fixture one, resolved by the same principal resolver.
  const marketRouter = router({
    auth: router(passwordAuthProcedures),
    probe: router({
      whoami: authedProcedure
        .meta({ access: "user", rest: { method: "POST", path: "/api/jobs/fixture-whoami", surface: "market", auth: ["bearer", "cookie"] } })
        .output(z.object({ user_id: z.string() }))
        .mutation(({ ctx }) => ({ user_id: ctx.auth.userId })),
    }),
  });
  let market: TestPlatform;
  beforeAll(async () => {
    market = await startTestPlatform({ router: marketRouter, database: t.database });
  });
  afterAll(() => market.stop());

  test("a cookie from /api/auth/login authenticates a market route; after logout it does not", async () => {
    const { response } = await register();
    const { id } = await json(response);
    const cookie = sessionFrom(response);
    const ok = await market.request("/api/jobs/fixture-whoami", { method: "POST", headers: { cookie, origin: market.url } });
    expect(ok.status).toBe(200);
    expect(await json(ok)).toEqual({ user_id: id });
    await send("POST", "/api/auth/logout", { cookie });
    const after = await market.request("/api/jobs/fixture-whoami", { method: "POST", headers: { cookie, origin: market.url } });
    expect(after.status).toBe(401);
    expect(await json(after)).toEqual({ error: "Authentication required" });
  });
});

describe("secrets stay out of the logs", () => {
  test("no password, hash or session token in any log line", async () => {
    const { response, body } = await register();
    const cookie = sessionFrom(response);
    await send("POST", "/api/auth/login", { body: { username: body.username, password: "wrong but secret 123" } });
    const hash = (await findUserByEmail(t.platform.services.db, body.email))?.passwordHash ?? "";
    expect(hash.startsWith("$argon2id$")).toBe(true);
    const logs = t.logs.join("\n");
    expect(logs).toContain("auth.login");
    for (const secret of [PASSWORD, "wrong but secret 123", hash, cookie.slice("session=".length)]) {
      expect(logs).not.toContain(secret);
    }
  });
});
