import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { invites, users } from "../../db/schema/index.ts";
import { adminProcedures } from "../../src/domains/admin/router.ts";
import { inviteAdminProcedures } from "../../src/domains/magic-link/router.ts";
import { appRouter } from "../../src/router.ts";
import { router } from "../../src/trpc/init.ts";
import { uniqueEmail } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { magicLinkFlow, resetSignupThrottle } from "../support/identity-helpers.ts";
import { createSecretLedger, sha256 } from "../support/secret-ledger.ts";

/**
 * Sign-up while REQUIRE_INVITES is on. The invite procedures are mounted under `admin` here as
 * the application router merges them, so the test does not depend on that merge having landed.
 */
const inviteRouter = router({
  ...appRouter._def.record,
  admin: router({ ...adminProcedures, ...inviteAdminProcedures }),
});

const ADMIN = uniqueEmail("boss");
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ router: inviteRouter, env: { REQUIRE_INVITES: "true", ADMIN_EMAILS: ADMIN } });
  await resetSignupThrottle(t);
});
afterAll(() => t.stop());

const ledger = createSecretLedger();
const call = <T = Record<string, unknown>>(path: string, init?: RequestInit) => ledger.receive<T>(t.request(path, init));
const { signup, requestLink, verify } = magicLinkFlow(ledger, (path, init) => t.request(path, init));

function client(token?: string) {
  return createTRPCClient<typeof inviteRouter>({
    links: [
      httpBatchLink({
        url: `${t.url}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        async fetch(url, init) {
          const res = await fetch(url, init);
          ledger.record(await res.clone().text());
          return res;
        },
      }),
    ],
  });
}

let adminToken = "";

async function newInvite(input: { note?: string; expires_in_days?: number } = {}) {
  const before = ledger.responses.length;
  const invite = await client(adminToken).admin.createInvite.mutate(input);
  ledger.issued(before, invite.code);
  return invite;
}

async function invitesById() {
  const page = await client(adminToken).admin.listInvites.query({ limit: 500 });
  return new Map(page.invites.map((i) => [i.id, i]));
}

describe("bootstrap", () => {
  test("an ADMIN_EMAILS address signs in without an invite and is an admin", async () => {
    const res = await verify(await requestLink(ADMIN));
    expect(res.status).toBe(200);
    adminToken = res.body.access_token;
    const me = await call<{ role: string }>("/api/account/me", { headers: { authorization: `Bearer ${adminToken}` } });
    expect(me.body.role).toBe("admin");
  });
});

describe("sign-up needs an invite", () => {
  test("a missing invite code is refused with a clear 403", async () => {
    const res = await signup({ email: uniqueEmail("nocode") });
    expect(res.status).toBe(403);
    expect(res.body as unknown).toEqual({ error: "An invite code is required to sign up", code: "forbidden" });
  });

  test("an unknown invite code is refused", async () => {
    const res = await signup({ email: uniqueEmail("badcode"), invite_code: "inv_doesnotexist000000000000" });
    expect(res.status).toBe(403);
    expect(res.body.error).toContain("Invite code is invalid");
  });

  test("only admins manage invites", async () => {
    const code = await newInvite();
    const userToken = (await verify(await requestLink(uniqueEmail("plain"), code.code))).body.access_token;
    for (const [token, status] of [
      [userToken, 403],
      [undefined, 401],
    ] as const) {
      const error = await client(token).admin.createInvite.mutate({}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<typeof inviteRouter>).data?.httpStatus).toBe(status);
      const listed = await client(token).admin.listInvites.query({}).catch((e: unknown) => e);
      expect((listed as TRPCClientError<typeof inviteRouter>).data?.httpStatus).toBe(status);
    }
  });
});

describe("an invite, from creation to use", () => {
  test("the admin creates it; sign-up with it works once; the code is stored hashed and listed without it", async () => {
    const invite = await newInvite({ note: "for Grace", expires_in_days: 7 });
    expect(invite.code).toMatch(/^inv_[a-z2-7]{24}$/);
    expect(invite.code_prefix).toBe(invite.code.slice(0, 8));
    expect(invite).toMatchObject({ note: "for Grace", status: "unused", used_by: null });

    const [row] = await t.platform.services.db.select().from(invites).where(eq(invites.id, invite.id));
    expect(row?.codeHash).toBe(sha256(invite.code));

    const listedBefore = ledger.responses.length;
    const listed = (await invitesById()).get(invite.id);
    expect(listed).toMatchObject({ id: invite.id, code_prefix: invite.code_prefix, status: "unused" });
    expect(listed && "code" in listed).toBe(false);
    expect(ledger.responses.slice(listedBefore).join("")).not.toContain(invite.code);

    const email = uniqueEmail("grace");
    // Codes are typed by people: case and surrounding space do not matter.
    const magic = await requestLink(email, ` ${invite.code.toUpperCase()} `);
    const verified = await verify(magic);
    expect(verified.status).toBe(200);
    const [user] = await t.platform.services.db.select().from(users).where(eq(users.email, email));

    const used = (await invitesById()).get(invite.id);
    expect(used).toMatchObject({ status: "used", used_by: user?.id });
    expect(used?.used_at).toBeInstanceOf(Date);

    const again = await signup({ email: uniqueEmail("second"), invite_code: invite.code });
    expect(again.status).toBe(403);
    // The invited account signs in again later without a code.
    expect((await verify(await requestLink(email))).status).toBe(200);
  });

  test("two sign-ups racing on one code: the first to verify gets it, the other is refused", async () => {
    const invite = await newInvite();
    const first = uniqueEmail("first");
    const second = uniqueEmail("second");
    const firstLink = await requestLink(first, invite.code);
    const secondLink = await requestLink(second, invite.code);
    expect((await verify(firstLink)).status).toBe(200);
    const refused = await verify(secondLink);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toContain("already been used");
    expect(await t.platform.services.db.select().from(users).where(eq(users.email, second))).toHaveLength(0);
  });

  test("revoked and expired invites are refused; revoking is idempotent, unknown is 404, used is 409", async () => {
    const revoked = await newInvite();
    const api = client(adminToken);
    expect((await api.admin.revokeInvite.mutate({ id: revoked.id })).status).toBe("revoked");
    expect((await api.admin.revokeInvite.mutate({ id: revoked.id })).status).toBe("revoked");
    expect((await signup({ email: uniqueEmail("late"), invite_code: revoked.code })).status).toBe(403);

    const expired = await newInvite({ expires_in_days: 1 });
    await t.platform.services.db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, expired.id));
    expect((await signup({ email: uniqueEmail("stale"), invite_code: expired.code })).status).toBe(403);
    expect((await invitesById()).get(expired.id)?.status).toBe("expired");

    const missing = await api.admin.revokeInvite.mutate({ id: "inv_nope" }).catch((e: unknown) => e);
    expect((missing as TRPCClientError<typeof inviteRouter>).data?.httpStatus).toBe(404);

    const spent = await newInvite();
    expect((await verify(await requestLink(uniqueEmail("spent"), spent.code))).status).toBe(200);
    const conflict = await api.admin.revokeInvite.mutate({ id: spent.id }).catch((e: unknown) => e);
    expect((conflict as TRPCClientError<typeof inviteRouter>).data?.httpStatus).toBe(409);
  });

  test("the list pages by cursor, newest first", async () => {
    for (let i = 0; i < 3; i++) await newInvite({ note: `page ${i}` });
    const api = client(adminToken);
    const first = await api.admin.listInvites.query({ limit: 2 });
    expect(first.invites).toHaveLength(2);
    expect(first.next_cursor).toBe(first.invites[1]?.id as string);
    const second = await api.admin.listInvites.query({ limit: 2, cursor: first.next_cursor as string });
    const ids = [...first.invites, ...second.invites].map((i) => i.id);
    expect(new Set(ids).size).toBe(4);
    const stamps = [...first.invites, ...second.invites].map((i) => i.created_at.getTime());
    expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);
  });
});

describe("secrets", () => {
  test("invite codes and tokens appear only in the response that issued them; hashes nowhere", async () => {
    expect(ledger.secrets.length).toBeGreaterThan(10);
    ledger.expectNoLeaks({ logs: t.logs });
  });
});
