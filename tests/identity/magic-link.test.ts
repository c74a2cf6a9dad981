import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import type { AppRouter } from "../../client/index.ts";
import { auditLog, magicTokens, refreshTokens, users } from "../../db/schema/index.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { uniqueEmail } from "../support/factories.ts";
import { magicLinkFlow, resetSignupThrottle } from "../support/identity-helpers.ts";
import { createSecretLedger, sha256 } from "../support/secret-ledger.ts";

/** Magic-link sign-in without invites, mail to the log (the token comes back in the response). */
let t: TestPlatform;
beforeAll(async () => {
  // Trusting the loopback proxy lets the per-IP test pick its own client address.
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" } });
  // Rate-limit counters live in Redis when REDIS_URL is set and outlast earlier runs.
  await resetSignupThrottle(t);
});
afterAll(() => t.stop());

/** Every response body this file received, and every secret with the one response that issued it. */
const ledger = createSecretLedger();
const call = <T = Record<string, unknown>>(path: string, init?: RequestInit) => ledger.receive<T>(t.request(path, init));
const { signup, requestLink, verify, signIn } = magicLinkFlow(ledger, (path, init) => t.request(path, init));

const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

async function auditActions(subjectOrActor?: string) {
  const rows = await t.platform.services.db.select().from(auditLog);
  return rows.filter((r) => !subjectOrActor || r.subject === subjectOrActor || r.actorId === subjectOrActor);
}

describe("magic link, end to end", () => {
  test("signup returns a magic token (no mail provider); verify issues tokens that sign in", async () => {
    const email = uniqueEmail("ada");
    const requested = await signup({ email: `  ${email.toUpperCase()} ` });
    expect(requested.status).toBe(200);
    expect(requested.body).toEqual({ ok: true, magic_token: expect.stringMatching(/^[a-z2-7]{52}$/) });
    const magic = requested.body.magic_token as string;
    ledger.issued(requested.index, magic);

    // Stored hashed, for the normalised address, expiring in 15 minutes.
    const [row] = await t.platform.services.db.select().from(magicTokens).where(eq(magicTokens.tokenHash, sha256(magic)));
    expect(row?.email).toBe(email);
    expect(row?.usedAt).toBeNull();
    const ttl = (row?.expiresAt.getTime() ?? 0) - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);

    const verified = await verify(magic);
    expect(verified.status).toBe(200);
    expect(Object.keys(verified.body).sort()).toEqual(["access_token", "refresh_token"]);
    expect(verified.body.access_token.split(".")).toHaveLength(3);

    const me = await call<{ id: string; email: string }>("/api/account/me", bearer(verified.body.access_token));
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email);
    const [user] = await t.platform.services.db.select().from(users).where(eq(users.email, email));
    expect(user?.emailVerified).toBe(true);
    expect(me.body.id).toBe(user?.id as string);

    // The typed client accepts the same access token.
    expect((await t.client(verified.body.access_token).account.me.query()).id).toBe(user?.id as string);

    const audit = await auditActions();
    expect(audit).toContainEqual(expect.objectContaining({ action: "auth.magic_link.request", outcome: "success", subject: email }));
    expect(audit).toContainEqual(
      expect.objectContaining({ action: "auth.magic_link.verify", outcome: "success", actorId: user?.id, details: { created: true } }),
    );
  });

  test("signing in again reaches the same account", async () => {
    const email = uniqueEmail("again");
    const first = await signIn(email);
    const second = await signIn(email);
    const a = await call<{ id: string }>("/api/account/me", bearer(first.access_token));
    const b = await call<{ id: string }>("/api/account/me", bearer(second.access_token));
    expect(a.body.id).toBe(b.body.id);
    expect(first.refresh_token).not.toBe(second.refresh_token);
  });

  test("the typed client drives the same procedures", async () => {
    const client = t.client();
    const email = uniqueEmail("typed");
    const { magic_token } = await client.auth.signup.mutate({ email });
    expect(magic_token).toBeString();
    const pair = await client.auth.verify.mutate({ token: magic_token as string });
    const { access_token } = await client.auth.refresh.mutate({ refresh_token: pair.refresh_token });
    expect((await t.client(access_token).account.me.query()).email).toBe(email);
    expect(await client.auth.revokeRefreshToken.mutate({ refresh_token: pair.refresh_token })).toEqual({ ok: true });
    const refused = await client.auth.refresh.mutate({ refresh_token: pair.refresh_token }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<AppRouter>).data?.httpStatus).toBe(401);
  });

  test("bad input is a 400 naming the field", async () => {
    const res = await signup({ email: "not-an-email" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.error).toContain("email");
    const missing = await call<{ error: string }>("/auth/verify");
    expect(missing.status).toBe(400);
    expect(missing.body.error).toContain("token");
  });
});

describe("magic tokens are single use and short-lived", () => {
  test("a replayed token is 401 in the mobile envelope, and audited", async () => {
    const magic = await requestLink(uniqueEmail("replay"));
    expect((await verify(magic)).status).toBe(200);
    const replay = await verify(magic);
    expect(replay.status).toBe(401);
    expect(replay.body as unknown).toEqual({ error: expect.stringContaining("Sign-in link"), code: "unauthorized" });
    const failures = (await auditActions()).filter((r) => r.action === "auth.magic_link.verify" && r.outcome === "failure");
    expect(failures.map((r) => (r.details as { reason: string }).reason)).toContain("replayed");
  });

  test("concurrent redemptions: exactly one wins", async () => {
    const magic = await requestLink(uniqueEmail("race"));
    const results = await Promise.all([verify(magic), verify(magic), verify(magic)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  test("an expired token is 401", async () => {
    const magic = await requestLink(uniqueEmail("expired"));
    await t.platform.services.db
      .update(magicTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(magicTokens.tokenHash, sha256(magic)));
    const res = await verify(magic);
    expect(res.status).toBe(401);
    const reasons = (await auditActions()).map((r) => (r.details as { reason?: string } | null)?.reason);
    expect(reasons).toContain("expired");
  });

  test("an unknown token is 401", async () => {
    expect((await verify("a".repeat(52))).status).toBe(401);
  });
});

describe("access tokens", () => {
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);

  test("a tampered JWT is 401: signature, payload, or a forged subject", async () => {
    const victim = await signIn(uniqueEmail("victim"));
    const attacker = await signIn(uniqueEmail("attacker"));
    const [header, payload, signature] = attacker.access_token.split(".") as [string, string, string];
    const victimPayload = JSON.parse(Buffer.from(victim.access_token.split(".")[1] as string, "base64url").toString());
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: victimPayload.sub }),
    ).toString("base64url");
    const unsigned = Buffer.from(JSON.stringify({ alg: "none", kid: "k1" })).toString("base64url");
    const cases = [
      `${header}.${payload}.${flip(signature, 10)}`,
      `${header}.${flip(payload, 20)}.${signature}`,
      `${header}.${forged}.${signature}`,
      `${unsigned}.${forged}.`,
    ];
    for (const token of cases) {
      const res = await call<{ error: string; code: string }>("/api/account/me", bearer(token));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("unauthorized");
    }
    expect((await call("/api/account/me", bearer(attacker.access_token))).status).toBe(200);
  });
});

describe("refresh and logout", () => {
  test("refresh issues a working access token; logout revokes; the revoked token is 401", async () => {
    const email = uniqueEmail("refresh");
    const pair = await signIn(email);
    const refreshed = await call<{ access_token: string }>("/auth/refresh", post({ refresh_token: pair.refresh_token }));
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body)).toEqual(["access_token"]);
    ledger.issued(refreshed.index, refreshed.body.access_token);
    const me = await call<{ email: string }>("/api/account/me", bearer(refreshed.body.access_token));
    expect(me.body.email).toBe(email);

    const out = await call("/auth/logout", post({ refresh_token: pair.refresh_token }));
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ ok: true });
    const [row] = await t.platform.services.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(pair.refresh_token)));
    expect(row?.revokedAt).toBeInstanceOf(Date);

    const revoked = await call("/auth/refresh", post({ refresh_token: pair.refresh_token }));
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({ error: expect.any(String), code: "unauthorized" });
    // Logging out twice, or with an unknown token, is still fine.
    expect((await call("/auth/logout", post({ refresh_token: pair.refresh_token }))).status).toBe(200);
    expect((await call("/auth/logout", post({ refresh_token: "nope" }))).status).toBe(200);
  });

  test("expired and unknown refresh tokens are 401; refreshes are audited", async () => {
    const pair = await signIn(uniqueEmail("stale"));
    await t.platform.services.db
      .update(refreshTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(refreshTokens.tokenHash, sha256(pair.refresh_token)));
    expect((await call("/auth/refresh", post({ refresh_token: pair.refresh_token }))).status).toBe(401);
    expect((await call("/auth/refresh", post({ refresh_token: "x".repeat(52) }))).status).toBe(401);
    const refreshes = (await auditActions()).filter((r) => r.action === "auth.refresh");
    expect(refreshes.some((r) => r.outcome === "success")).toBe(true);
    expect(refreshes.some((r) => r.outcome === "failure")).toBe(true);
  });
});

describe("throttling", () => {
  test("the sixth link for one e-mail within an hour is 429 with Retry-After", async () => {
    const email = uniqueEmail("busy");
    for (let i = 0; i < 5; i++) await requestLink(email);
    const res = await signup({ email });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address from the same client is unaffected.
    expect((await signup({ email: uniqueEmail("calm") })).status).toBe(200);
  });

  test("the 31st request from one client address within an hour is 429", async () => {
    const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    await resetSignupThrottle(t, ip);
    const from = { "x-forwarded-for": ip };
    for (let i = 0; i < 30; i++) {
      const ok = await signup({ email: uniqueEmail("spray") }, from);
      expect(ok.status).toBe(200);
      // Not a loopback caller: the token is mailed (to the log), never returned.
      expect(ok.body).toEqual({ ok: true });
    }
    const res = await signup({ email: uniqueEmail("spray") }, from);
    expect(res.status).toBe(429);
  });
});

describe("secrets at rest and in logs", () => {
  test("no secret appears outside the response that issued it, and no hash appears anywhere", async () => {
    const auditRows = JSON.stringify(await t.platform.services.db.select().from(auditLog));
    expect(ledger.secrets.length).toBeGreaterThan(20);
    ledger.expectNoLeaks({ logs: t.logs, extra: [auditRows] });
  });
});
