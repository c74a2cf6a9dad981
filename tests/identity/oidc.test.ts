import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { oauthAccounts } from "../../db/schema/index.ts";
import { findUserByEmail } from "../../src/auth/users.ts";
import { createUser, uniqueEmail } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { startFakeProvider, TestBrowser, type FakeProvider } from "../support/oidc-provider.ts";

let t: TestPlatform;
let idp: FakeProvider;
beforeAll(async () => {
  idp = await startFakeProvider();
  t = await startTestPlatform({ env: idp.env() });
});
afterAll(async () => {
  await t.stop();
  await idp.stop();
});

let counter = 0;
beforeEach(() => {
  counter += 1;
  idp.idTokenOverrides = {};
  idp.signWithForeignKey = false;
  idp.oidcUser = { sub: `sub-${Date.now()}-${counter}`, email: uniqueEmail("oidc"), email_verified: true, name: "Ada Lovelace" };
  idp.githubUser = {
    id: 100_000 + counter,
    login: `octo${counter}`,
    name: null,
    emails: [
      { email: uniqueEmail("gh-secondary"), primary: false, verified: true },
      { email: uniqueEmail("gh"), primary: true, verified: true },
    ],
  };
});

const browser = () => new TestBrowser(t.url);

async function me(b: TestBrowser) {
  return b.fetch(`${t.url}/api/auth/me`);
}

/** Start → provider → callback, stopping before the callback so a test can tamper with it. */
async function reachCallback(b: TestBrowser, provider: "generic" | "github", returnTo?: string): Promise<string> {
  const query = returnTo === undefined ? "" : `?return_to=${encodeURIComponent(returnTo)}`;
  const start = await b.fetch(`${t.url}/api/auth/oidc/${provider}${query}`);
  expect(start.status).toBe(302);
  const atProvider = await fetch(start.headers.get("location") as string, { redirect: "manual" });
  expect(atProvider.status).toBe(302);
  const callback = atProvider.headers.get("location") as string;
  expect(callback.startsWith(`${t.url}/api/auth/oidc/${provider}/callback?`)).toBe(true);
  return callback;
}

describe("generic OIDC", () => {
  test("end to end: PKCE + state + nonce, new account, session cookie, redirect to return_to", async () => {
    const b = browser();
    const result = await b.navigate("/api/auth/oidc/generic?return_to=%2Fworkspaces%2F42%3Ftab%3Dsandboxes");
    expect(result.hops.map((h) => h.status)).toEqual([302, 302, 302]);
    expect(result.landedOn).toBe("/workspaces/42?tab=sandboxes");

    const authorize = idp.authorizeRequests.at(-1) as URLSearchParams;
    expect(authorize.get("code_challenge_method")).toBe("S256");
    expect(authorize.get("nonce")?.length).toBeGreaterThan(20);
    expect(authorize.get("state")?.length).toBeGreaterThan(20);
    expect(authorize.get("redirect_uri")).toBe(`${t.url}/api/auth/oidc/generic/callback`);
    expect(authorize.get("scope")?.split(" ")).toContain("email");

    // The flow cookie is gone; the session cookie is there.
    expect([...b.cookies.keys()]).toEqual(["session"]);
    const res = await me(b);
    expect(res.status).toBe(200);
    const user = await json(res);
    expect(user).toMatchObject({ email: idp.oidcUser.email, display_name: "Ada Lovelace", role: "user", username: null });

    const [link] = await t.platform.services.db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, String(user.id)));
    expect(link).toMatchObject({ provider: `oidc:${idp.issuer}`, providerUserId: idp.oidcUser.sub });

    // Signing in again with the same identity is the same user, whatever e-mail it now reports.
    idp.oidcUser = { ...idp.oidcUser, email: uniqueEmail("renamed") };
    const again = browser();
    await again.navigate("/api/auth/oidc/generic");
    expect((await json(await me(again))).id).toBe(user.id);
  });

  test("start answers 302 with Location and an HttpOnly, SameSite=Lax flow cookie", async () => {
    const start = await t.request("/api/auth/oidc/generic", { redirect: "manual" });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get("location") as string);
    expect(`${location.origin}${location.pathname}`).toBe(`${idp.url}/authorize`);
    expect(await json(start)).toEqual({ redirect: location.toString() });
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith("oauth_flow_generic=")) ?? "";
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Max-Age=600");
    // Encrypted: neither the state nor the nonce can be read out of it.
    expect(cookie).not.toContain(location.searchParams.get("state") as string);
    expect(cookie).not.toContain(location.searchParams.get("nonce") as string);
  });

  test("an existing user is linked by verified e-mail (same user id)", async () => {
    const existing = await createUser(t, { email: uniqueEmail("existing") });
    idp.oidcUser = { ...idp.oidcUser, email: existing.email.toUpperCase() };
    const b = browser();
    await b.navigate("/api/auth/oidc/generic");
    expect((await json(await me(b))).id).toBe(existing.id);
  });

  test("an unverified e-mail is refused and nothing is linked or created", async () => {
    const existing = await createUser(t, { email: uniqueEmail("victim") });
    for (const email of [existing.email, uniqueEmail("newcomer")]) {
      idp.oidcUser = { ...idp.oidcUser, email, email_verified: false };
      const b = browser();
      const result = await b.navigate("/api/auth/oidc/generic");
      expect(result.last.status).toBe(403);
      expect(await json(result.last)).toEqual({ error: "Your e-mail address is not verified by the sign-in provider" });
      expect(b.cookies.has("session")).toBe(false);
    }
    const links = await t.platform.services.db.select().from(oauthAccounts).where(eq(oauthAccounts.providerUserId, idp.oidcUser.sub));
    expect(links).toEqual([]);
    expect(await findUserByEmail(t.platform.services.db, idp.oidcUser.email as string)).toBeNull();
  });

  test("a missing email_verified claim counts as unverified", async () => {
    idp.oidcUser = { sub: idp.oidcUser.sub, email: uniqueEmail("silent") };
    const result = await browser().navigate("/api/auth/oidc/generic");
    expect(result.last.status).toBe(403);
  });

  test("state mismatch, missing flow cookie and a replayed callback are refused", async () => {
    const b = browser();
    const callback = new URL(await reachCallback(b, "generic"));
    const forged = new URL(callback);
    forged.searchParams.set("state", "forged-state");
    const mismatch = await b.fetch(forged.toString());
    expect(mismatch.status).toBe(400);
    expect(await json(mismatch)).toEqual({ error: "Invalid or expired sign-in state; please start again" });
    expect(b.cookies.has("session")).toBe(false);

    // The refused attempt cleared the flow cookie: even the genuine callback now fails.
    const genuine = await b.fetch(callback.toString());
    expect(genuine.status).toBe(400);

    // A callback delivered to another browser (login CSRF) has no flow cookie to match.
    const other = browser();
    const stranger = await other.fetch((await reachCallback(browser(), "generic")).toString());
    expect(stranger.status).toBe(400);
    expect(other.cookies.has("session")).toBe(false);
  });

  test("a tampered flow cookie is refused", async () => {
    const b = browser();
    const callback = await reachCallback(b, "generic");
    const sealed = b.cookies.get("oauth_flow_generic") as string;
    b.cookies.set("oauth_flow_generic", `${sealed.slice(0, -4)}AAAA`);
    expect((await b.fetch(callback)).status).toBe(400);
  });

  for (const [name, overrides] of [
    ["nonce mismatch", { nonce: "someone-elses-nonce" }],
    ["audience mismatch", { aud: "another-client" }],
    ["issuer mismatch", { iss: "https://evil.example" }],
    ["expired ID token", { exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 }],
    ["several audiences without azp", { aud: ["test-client", "another-client"] }],
  ] as const) {
    test(`ID token refused: ${name}`, async () => {
      idp.idTokenOverrides = { ...overrides };
      const b = browser();
      const result = await b.navigate("/api/auth/oidc/generic");
      expect(result.last.status).toBe(401);
      expect(b.cookies.has("session")).toBe(false);
      expect(await findUserByEmail(t.platform.services.db, idp.oidcUser.email as string)).toBeNull();
    });
  }

  test("ID token refused: signed with a key not in the provider's JWKS", async () => {
    idp.signWithForeignKey = true;
    const result = await browser().navigate("/api/auth/oidc/generic");
    expect(result.last.status).toBe(401);
  });

  test("return_to must be a same-origin relative path", async () => {
    for (const unsafe of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "relative/path"]) {
      const result = await browser().navigate(`/api/auth/oidc/generic?return_to=${encodeURIComponent(unsafe)}`);
      expect(result.landedOn).toBe("/");
    }
  });

  test("a password account registered on an unproven e-mail loses that password when the owner signs in", async () => {
    const email = uniqueEmail("squatted");
    const squatter = await t.request("/api/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: `squat${Date.now().toString(36)}`, email, password: "squatter-password" }),
    });
    expect(squatter.status).toBe(201);
    const squatterCookie = (squatter.headers.getSetCookie()[0] ?? "").split(";")[0] as string;
    const squatterId = (await json(squatter)).id;

    idp.oidcUser = { ...idp.oidcUser, email };
    const owner = browser();
    await owner.navigate("/api/auth/oidc/generic");
    expect((await json(await me(owner))).id).toBe(squatterId);

    expect((await t.request("/api/auth/me", { headers: { cookie: squatterCookie } })).status).toBe(401);
    const login = await t.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: email, password: "squatter-password" }),
    });
    expect(login.status).toBe(401);
    expect((await findUserByEmail(t.platform.services.db, email))?.emailVerified).toBe(true);
  });
});

describe("GitHub", () => {
  test("end to end: new account from the verified primary e-mail", async () => {
    const b = browser();
    const result = await b.navigate("/api/auth/oidc/github?return_to=/dashboard");
    expect(result.landedOn).toBe("/dashboard");
    const authorize = idp.authorizeRequests.at(-1) as URLSearchParams;
    expect(authorize.get("code_challenge_method")).toBe("S256");
    expect(authorize.get("redirect_uri")).toBe(`${t.url}/api/auth/oidc/github/callback`);
    const user = await json(await me(b));
    const primary = idp.githubUser.emails.find((e) => e.primary)?.email;
    expect(user).toMatchObject({ email: primary, display_name: idp.githubUser.login });
    const [link] = await t.platform.services.db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, String(user.id)));
    expect(link).toMatchObject({ provider: "github", providerUserId: String(idp.githubUser.id) });
  });

  test("an existing user is linked by the verified primary e-mail", async () => {
    const existing = await createUser(t, { email: uniqueEmail("gh-existing"), password: "existing password" });
    idp.githubUser.emails = [{ email: existing.email, primary: true, verified: true }];
    const b = browser();
    await b.navigate("/api/auth/oidc/github");
    expect((await json(await me(b))).id).toBe(existing.id);
    // A verified account keeps its password.
    const login = await t.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: existing.email, password: "existing password" }),
    });
    expect(login.status).toBe(200);
  });

  test("no verified primary e-mail: refused, nothing created", async () => {
    const email = uniqueEmail("gh-unverified");
    idp.githubUser.emails = [
      { email, primary: true, verified: false },
      { email: uniqueEmail("gh-other"), primary: false, verified: true },
    ];
    const b = browser();
    const result = await b.navigate("/api/auth/oidc/github");
    expect(result.last.status).toBe(403);
    expect(b.cookies.has("session")).toBe(false);
    expect(await findUserByEmail(t.platform.services.db, email)).toBeNull();
  });

  test("a code the provider refuses is a 400", async () => {
    const b = browser();
    const callback = new URL(await reachCallback(b, "github"));
    callback.searchParams.set("code", "not-a-real-code");
    const res = await b.fetch(callback.toString());
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ error: "The sign-in provider refused the authorization code" });
  });

  test("the user cancelling at the provider is a 400", async () => {
    const b = browser();
    const callback = new URL(await reachCallback(b, "github"));
    callback.searchParams.delete("code");
    callback.searchParams.set("error", "access_denied");
    expect((await b.fetch(callback.toString())).status).toBe(400);
  });
});

describe("audit and logs", () => {
  test("sign-ins are audited; no code, token or ID token reaches the logs", async () => {
    const b = browser();
    await b.navigate("/api/auth/oidc/generic");
    const logs = t.logs.join("\n");
    expect(logs).toContain('"auth.login"');
    expect(logs).toContain('"auth.oauth_link"');
    expect(idp.issuedSecrets.length).toBeGreaterThan(5);
    for (const secret of [...idp.issuedSecrets, idp.clientSecret, b.cookies.get("session") as string]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe("not configured", () => {
  let bare: TestPlatform;
  beforeAll(async () => {
    bare = await startTestPlatform({ database: t.database });
  });
  afterAll(() => bare.stop());

  // Issue 9: these were 503s, each logged at error level with a stack trace per anonymous request.
  test("404 with the documented message, logged at debug only", async () => {
    const before = bare.logs.length;
    const github = await bare.request("/api/auth/oidc/github", { redirect: "manual" });
    expect(github.status).toBe(404);
    expect(await json(github)).toMatchObject({ error: "GitHub sign-in is not configured" });
    const callback = await bare.request("/api/auth/oidc/github/callback?code=x&state=y", { redirect: "manual" });
    expect(callback.status).toBe(404);
    const generic = await bare.request("/api/auth/oidc/generic", { redirect: "manual" });
    expect(generic.status).toBe(404);
    expect(await json(generic)).toMatchObject({ error: "OIDC sign-in is not configured" });
    const viaTrpc = await bare.request(`/trpc/auth.oidcStart?input=${encodeURIComponent(JSON.stringify({ json: { provider: "generic" } }))}`);
    expect(viaTrpc.status).toBe(404);
    const levels = bare.logs.slice(before).map((line) => (JSON.parse(line) as { level: string }).level);
    expect(levels.filter((level) => level !== "debug")).toEqual([]);
    expect(bare.logs.slice(before).join("\n")).not.toContain("stack");
  });

  test("an unknown provider is a 400", async () => {
    expect((await bare.request("/api/auth/oidc/myspace", { redirect: "manual" })).status).toBe(400);
  });
});
