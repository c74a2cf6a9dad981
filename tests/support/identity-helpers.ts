import { expect } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { z } from "zod";
import { signupThrottleKeys } from "../../src/domains/magic-link/throttle.ts";
import { banKey } from "../../src/platform/rate-limit/keys.ts";
import { appRouter } from "../../src/router.ts";
import { router } from "../../src/trpc/init.ts";
import { publicProcedure } from "../../src/trpc/procedures.ts";
import type { TestPlatform } from "./harness.ts";
import type { Reply, SecretLedger } from "./secret-ledger.ts";

/** Helpers shared by the identity tests (tests/identity): sign-in flows, client addresses, bans. */

/** The HTTP status of a tRPC call: 200 when it succeeds, the error's status when it fails. */
export async function trpcStatus(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    return (error.data as { httpStatus: number }).httpStatus;
  }
}

let ipCounter = 0;
/**
 * A client address no other test (or earlier run on a shared Redis) has used, from the
 * benchmarking range 198.18.0.0/15; files whose counters must never meet pick different halves.
 */
export function freshIp(net: "198.18" | "198.19" = "198.18"): string {
  const [a, b] = crypto.getRandomValues(new Uint8Array(2));
  return `${net}.${a}.${(((b ?? 0) + ++ipCounter) % 254) + 1}`;
}

/** `init` sent from client address `ip` (needs TRUSTED_PROXIES=127.0.0.1). */
export const fromIp = (ip: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), "x-forwarded-for": ip },
});

/** The addresses a file bans, to lift in afterAll so that no ban outlives it on a shared Redis. */
export function banList() {
  const ips: string[] = [];
  return {
    /** Remembers an address that is (or is about to be) banned, and returns it. */
    add(ip: string): string {
      ips.push(ip);
      return ip;
    },
    async liftAll(t: TestPlatform): Promise<void> {
      for (const ip of ips) await t.platform.services.limiter.unban(banKey(ip));
    },
  };
}

/**
 * The compute surface's health and admin routes, plus fixtures standing in for two compute routes
 * (the real ones belong to the compute domain): GET /tiers and POST /agents/generate-wallet.
 */
export const computeFixtureRouter = router({
  health: appRouter._def.record.health,
  admin: appRouter._def.record.admin,
  fixture: router({
    tiers: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/tiers", surface: "compute" } })
      .query(() => ({ tiers: [] as number[] })),
    generateWallet: publicProcedure
      .meta({ access: "public", rest: { method: "POST", path: "/agents/generate-wallet", surface: "compute" } })
      .input(z.object({ agentId: z.string().optional() }).optional())
      .mutation(() => ({ address: "0x0000000000000000000000000000000000000001" })),
  }),
});

/** Clears the per-address sign-up budget, which outlasts earlier runs when counters live in Redis. */
export async function resetSignupThrottle(t: TestPlatform, ip = "127.0.0.1"): Promise<void> {
  await t.platform.services.limiter.reset(signupThrottleKeys({ email: "", ip }).ip);
}

export type SignupReply = { ok: true; magic_token?: string; error?: string; code?: string };
export type TokenPair = { access_token: string; refresh_token: string };

/**
 * Magic-link sign-in through the real routes (mail to the log and a loopback caller, so the token
 * comes back in the response), every response and every issued token, access and refresh token in `ledger`.
 * `request` is the platform's `t.request`, passed as a function because `t` starts in beforeAll.
 */
export function magicLinkFlow(ledger: SecretLedger, request: (path: string, init?: RequestInit) => Promise<Response>) {
  function signup(body: { email: string; invite_code?: string }, headers: Record<string, string> = {}): Promise<Reply<SignupReply>> {
    const init = { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
    return ledger.receive<SignupReply>(request("/auth/signup", init));
  }

  /** Asks for a link (with an invite code, when given) and returns its magic token. */
  async function requestLink(email: string, inviteCode?: string): Promise<string> {
    const res = await signup(inviteCode === undefined ? { email } : { email, invite_code: inviteCode });
    expect(res.status).toBe(200);
    const token = res.body.magic_token as string;
    ledger.issued(res.index, token);
    return token;
  }

  async function verify(token: string): Promise<Reply<TokenPair & { error?: string }>> {
    const res = await ledger.receive<TokenPair & { error?: string }>(request(`/auth/verify?token=${encodeURIComponent(token)}`));
    if (res.status === 200) ledger.issued(res.index, res.body.access_token, res.body.refresh_token);
    return res;
  }

  async function signIn(email: string, inviteCode?: string): Promise<TokenPair> {
    const res = await verify(await requestLink(email, inviteCode));
    expect(res.status).toBe(200);
    return res.body;
  }

  return { signup, requestLink, verify, signIn };
}
