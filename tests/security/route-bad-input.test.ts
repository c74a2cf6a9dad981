import { afterAll, beforeAll, expect, test } from "bun:test";
import { syncSkills } from "../../src/domains/skills/sync.ts";
import { badInputSeed, operationsOf, runBadInput, type Operation } from "../support/bad-input.ts";
import { uniqueEmail } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { freshIp, magicLinkFlow, resetSignupThrottle } from "../support/identity-helpers.ts";
import { createSecretLedger } from "../support/secret-ledger.ts";

/**
 * Issue 9, "every route, bad input": every operation in /openapi.json, every parameter and body
 * field, schema-derived bad values (tests/support/bad-values.ts) as anonymous and as a signed-in
 * user whose own session and skill the path parameters name. No 5xx, every error in its
 * surface's envelope, and /health still answers.
 */
const seed = badInputSeed();
let t: TestPlatform;
let user: { headers: Record<string, string>; sessionId: string; skill: string };

beforeAll(async () => {
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1", CONTAINER_DRIVER: "simulator" } });
  await resetSignupThrottle(t);
  const tokens = await magicLinkFlow(createSecretLedger(), (path, init) => t.request(path, init)).signIn(uniqueEmail("bad-input"));
  const headers = { authorization: `Bearer ${tokens.access_token}` };
  const created = await t.request("/api/sessions", { method: "POST", headers: { ...headers, "x-forwarded-for": freshIp("198.19") } });
  const { id } = (await created.json()) as { id: string };
  const me = (await (await t.request("/api/account/me", { headers })).json()) as { id: string };
  const skill = "bad-input-skill";
  const files = new Map([["SKILL.md", new TextEncoder().encode("# Bad input\nA skill to aim bad input at.\n")]]);
  await syncSkills({ db: t.platform.services.db, blobs: t.platform.services.blobs, userId: me.id, sessionId: null, skills: [{ name: skill, files }] });
  user = { headers, sessionId: id, skill };
}, 60_000);
afterAll(() => t.stop());

/** The user's own session and skill, so bad input reaches past "not found". */
function pathValue(operation: Operation, name: string): string | undefined {
  if (operation.path.startsWith("/api/sessions/") && name === "id") return user.sessionId;
  if (operation.path.startsWith("/api/skills/") && name === "name") return user.skill;
  return undefined;
}

test("every operation answers bad input without a 5xx, in its surface's envelope", async () => {
  const document = (await (await t.request("/openapi.json")).json()) as Parameters<typeof operationsOf>[0];
  const operations = operationsOf(document);
  expect(operations.length).toBeGreaterThan(30);
  const report = await runBadInput(t, operations, {
    seed,
    randomRuns: 3,
    principals: [
      { name: "anonymous", headers: {} },
      { name: "user", headers: user.headers },
    ],
    pathValue,
  });
  console.log(`bad input: ${report.requests} requests over ${operations.length} operations, seed ${seed}, statuses ${JSON.stringify(report.statuses)}`);
  expect(report.failures).toEqual([]);
  const health = await t.request("/health");
  expect(health.status).toBe(200);
}, 180_000);
