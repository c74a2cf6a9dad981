import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import type { AppRouter } from "../../client/index.ts";
import { apiKeys, auditLog, users } from "../../db/schema/index.ts";
import { sessionCookieFor, uniqueEmail } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { magicLinkFlow, resetSignupThrottle } from "../support/identity-helpers.ts";
import { createSecretLedger, sha256, type Reply } from "../support/secret-ledger.ts";

/** The account on three surfaces: mobile `/api/account/me*`, market `/api/whoami`, hosting `/api/v1/account`. */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  await resetSignupThrottle(t);
});
afterAll(() => t.stop());

const ledger = createSecretLedger();
const { signIn } = magicLinkFlow(ledger, (path, init) => t.request(path, init));

function call<T = Record<string, unknown>>(path: string, init: RequestInit & { token?: string } = {}): Promise<Reply<T>> {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (rest.body) headers.set("content-type", "application/json");
  return ledger.receive<T>(t.request(path, { ...rest, headers }));
}

const patch = (token: string, body: unknown) => call<Profile & { error?: string; code?: string }>("/api/account/me", { method: "PATCH", token, body: JSON.stringify(body) });

interface Profile {
  id: string;
  email: string;
  display_name: string | null;
  recording_opt_in: boolean;
  session_timeout_min: number;
  role: "user" | "admin";
  created_at: string;
  api_key: { prefix: string; created_at: string } | null;
}
interface NewKey {
  api_key: string;
  prefix: string;
  created_at: string;
}

interface Person {
  id: string;
  email: string;
  token: string;
  createdAt: string;
}

/** Signs in through the real magic-link path. */
async function person(label: string): Promise<Person> {
  const email = uniqueEmail(label);
  const { access_token } = await signIn(email);
  const [row] = await t.platform.services.db.select().from(users).where(eq(users.email, email));
  if (!row) throw new Error("user not created");
  return { id: row.id, email, token: access_token, createdAt: row.createdAt.toISOString() };
}

async function newKey(token: string): Promise<Reply<NewKey>> {
  const res = await call<NewKey>("/api/account/me/api-key", { method: "POST", token });
  if (res.status === 200) ledger.issued(res.index, res.body.api_key);
  return res;
}

let a: Person;
let b: Person;
beforeAll(async () => {
  a = await person("alice");
  b = await person("bob");
});

describe("GET /api/account/me", () => {
  test("is exactly the caller's profile", async () => {
    for (const who of [a, b]) {
      const res = await call<Profile>("/api/account/me", { token: who.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: who.id,
        email: who.email,
        display_name: null,
        recording_opt_in: false,
        session_timeout_min: 30,
        role: "user",
        created_at: who.createdAt,
        api_key: null,
      });
    }
  });

  test("needs credentials: 401 in the mobile envelope; a session cookie also works", async () => {
    const res = await call("/api/account/me");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Authentication required", code: "unauthorized" });
    const cookie = await sessionCookieFor(t, a.id);
    expect((await call<Profile>("/api/account/me", { headers: { cookie } })).body.id).toBe(a.id);
  });
});

describe("PATCH /api/account/me", () => {
  test("updates the fields given and returns the profile; the other account is untouched", async () => {
    const res = await patch(a.token, { display_name: "  Alice Liddell ", recording_opt_in: true, session_timeout_min: 240 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: a.id, display_name: "Alice Liddell", recording_opt_in: true, session_timeout_min: 240 });
    expect((await patch(a.token, { session_timeout_min: 5 })).body).toMatchObject({ display_name: "Alice Liddell", session_timeout_min: 5 });
    expect((await call<Profile>("/api/account/me", { token: a.token })).body.session_timeout_min).toBe(5);
    expect((await call<Profile>("/api/account/me", { token: b.token })).body).toMatchObject({ display_name: null, session_timeout_min: 30 });
  });

  test("bad values are 400 naming the field, and change nothing", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ session_timeout_min: 4 }, "session_timeout_min"],
      [{ session_timeout_min: 241 }, "session_timeout_min"],
      [{ session_timeout_min: 30.5 }, "session_timeout_min"],
      [{ session_timeout_min: "60" }, "session_timeout_min"],
      [{ display_name: "" }, "display_name"],
      [{ display_name: "   " }, "display_name"],
      [{ display_name: "x".repeat(81) }, "display_name"],
      [{ recording_opt_in: "yes" }, "recording_opt_in"],
    ];
    for (const [body, field] of cases) {
      const res = await patch(a.token, { display_name: "Changed", ...body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.error).toContain(field);
    }
    expect((await call<Profile>("/api/account/me", { token: a.token })).body).toMatchObject({ display_name: "Alice Liddell", session_timeout_min: 5 });
    expect((await patch(a.token, { display_name: "x".repeat(80) })).status).toBe(200);
    expect((await patch(a.token, { display_name: null })).body.display_name).toBeNull();
  });

  test("the typed client reports validation as a 400 too", async () => {
    const error = await t.client(a.token).account.updateMe.mutate({ session_timeout_min: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
    expect((error as Error).message).toContain("session_timeout_min");
    const updated = await t.client(a.token).account.updateMe.mutate({ display_name: "Alice" });
    expect(updated.created_at).toBeInstanceOf(Date);
  });
});

describe("POST /api/account/me/api-key", () => {
  test("returns the key once; regenerating revokes the previous key at once", async () => {
    const first = await newKey(a.token);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ api_key: expect.stringMatching(/^oc_live_[a-z2-7]{52}$/), prefix: first.body.api_key.slice(0, 14), created_at: expect.any(String) });

    // The key works (and is now cached by the principal resolver).
    const viaKey = await call<Profile>("/api/account/me", { token: first.body.api_key });
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.id).toBe(a.id);
    expect(viaKey.body.api_key).toEqual({ prefix: first.body.prefix, created_at: first.body.created_at });
    expect(JSON.stringify(viaKey.body)).not.toContain("hash");

    // Regenerated by the signed-in person: an API key may not issue its successor (issue 9).
    const second = await newKey(a.token);
    expect(second.status).toBe(200);
    expect(second.body.api_key).not.toBe(first.body.api_key);
    const old = await call("/api/account/me", { token: first.body.api_key });
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ code: "unauthorized" });
    expect((await call<Profile>("/api/account/me", { token: second.body.api_key })).body.api_key?.prefix).toBe(second.body.prefix);

    const keys = await t.platform.services.db.select().from(apiKeys).where(eq(apiKeys.userId, a.id));
    expect(keys.filter((k) => k.revokedAt === null)).toHaveLength(1);
    expect(keys.map((k) => k.keyHash).sort()).toEqual([sha256(first.body.api_key), sha256(second.body.api_key)].sort());

    const created = (await t.platform.services.db.select().from(auditLog)).filter((r) => r.action === "api_key.create" && r.actorId === a.id);
    expect(created).toHaveLength(2);
  });

  test("a new display name shows at once through a cached API key", async () => {
    const key = await newKey(b.token);
    const before = await call<{ display_name: string | null }>("/api/whoami", { method: "POST", token: key.body.api_key });
    expect(before.body.display_name).toBeNull();
    await patch(b.token, { display_name: "Bob" });
    const after = await call<{ display_name: string | null }>("/api/whoami", { method: "POST", token: key.body.api_key });
    expect(after.body.display_name).toBe("Bob");
  });
});

describe("the account on the other surfaces", () => {
  test("POST /api/whoami (market) is exactly the caller, with a JWT or an API key", async () => {
    const key = await newKey(a.token);
    const current = (await call<Profile>("/api/account/me", { token: a.token })).body;
    for (const token of [a.token, key.body.api_key]) {
      const res = await call("/api/whoami", { method: "POST", token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: a.id, email: a.email, display_name: current.display_name, role: "user" });
    }
    const anonymous = await call("/api/whoami", { method: "POST" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: "Authentication required" });
  });

  test("GET /api/v1/account (hosting) in its { data } envelope", async () => {
    const res = await call("/api/v1/account", { token: b.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { id: b.id, email: b.email, display_name: "Bob", role: "user", email_verified: true, created_at: b.createdAt },
    });
    const anonymous = await call<{ error: Record<string, unknown> }>("/api/v1/account");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatchObject({ code: "unauthorized", message: "Authentication required" });
  });

  test("user A's credentials never show user B's data on any surface", async () => {
    for (const [who, other] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const [path, method] of [
        ["/api/account/me", "GET"],
        ["/api/whoami", "POST"],
        ["/api/v1/account", "GET"],
      ] as const) {
        const res = await call(path, { method, token: who.token });
        const text = JSON.stringify(res.body);
        expect(text).toContain(who.id);
        expect(text).not.toContain(other.id);
        expect(text).not.toContain(other.email);
      }
    }
  });
});

describe("secrets", () => {
  test("keys and tokens appear only in the response that issued them; hashes nowhere", async () => {
    const auditRows = JSON.stringify(await t.platform.services.db.select().from(auditLog));
    expect(ledger.secrets.filter((s) => s.value.startsWith("oc_live_")).length).toBeGreaterThanOrEqual(4);
    ledger.expectNoLeaks({ logs: t.logs, extra: [auditRows] });
  });
});
