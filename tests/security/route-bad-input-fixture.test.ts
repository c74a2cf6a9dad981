import { afterAll, beforeAll, expect, test } from "bun:test";
import { operationsOf, runBadInput } from "../support/bad-input.ts";
import { envelopeProblem } from "../support/error-envelope.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { unguardedRouter } from "./fixtures/unguarded-router.ts";

/** The bad-input harness fails on a deliberately fragile route (tests/security/fixtures). */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ router: unguardedRouter, env: { TRUSTED_PROXIES: "127.0.0.1" } });
}, 60_000);
afterAll(() => t.stop());

test("a route that answers 500 to a number it cannot take is reported, whatever the seed", async () => {
  const document = (await (await t.request("/openapi.json")).json()) as Parameters<typeof operationsOf>[0];
  const fragile = operationsOf(document).filter((operation) => operation.path === "/api/v1/fixture-fragile");
  expect(fragile).toHaveLength(1);
  const seed = crypto.getRandomValues(new Uint32Array(1))[0] as number;
  const report = await runBadInput(t, fragile, { seed, randomRuns: 2, principals: [{ name: "anonymous", headers: {} }] });
  expect(report.failures).toContainEqual(expect.stringMatching(/^POST \/api\/v1\/fixture-fragile \[body count: 2\^53 \+ 2\] as anonymous: 500 /));
  expect(report.failures).toContainEqual(expect.stringContaining("[body count: 1e308] as anonymous: 500"));
  // Its other field, and the valid input, are answered well.
  expect(report.failures.filter((line) => line.includes("[body label: ") || line.includes("[valid-looking input]"))).toEqual([]);
  expect((await t.request("/health")).status).toBe(200);
});

test("the envelope check knows each surface's documented shape", () => {
  expect(envelopeProblem("mobile", JSON.stringify({ error: "Bad", code: "validation_failed" }))).toBeNull();
  expect(envelopeProblem("market", JSON.stringify({ error: "Bad" }))).toBeNull();
  expect(envelopeProblem("hosting", JSON.stringify({ error: { code: "unprocessable_entity", message: "Validation failed", details: { a: "b" } } }))).toBeNull();
  expect(envelopeProblem("hosting", JSON.stringify({ error: "Bad" }))).toBe("hosting error is not an object");
  expect(envelopeProblem("market", JSON.stringify({ error: "Bad", code: "x" }))).toContain("undocumented keys");
  expect(envelopeProblem("compute", JSON.stringify({ message: "Bad" }))).toBe("error is not a string");
  expect(envelopeProblem("compute", "")).toBe("empty body");
  expect(envelopeProblem("workspaces", "<html>")).toBe("body is not JSON");
});
