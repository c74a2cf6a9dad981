import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app.ts";
import type { Services } from "../../src/platform/services.ts";
import { uniqueEmail } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { routeAccessCheck, routeCheckEnv } from "../support/route-access.ts";
import { undeclaredRouter, unguardedRouter, unguardedTable } from "./fixtures/unguarded-router.ts";

/** The route-access harness fails on deliberately unguarded routes (tests/security/fixtures). */
describe("declarations", () => {
  test("a procedure without an access declaration, or declaring more than its base enforces, is reported", () => {
    expect(routeAccessCheck(undeclaredRouter, {}).staticProblems).toEqual([
      expect.stringContaining("fixture.undeclared: declares no access"),
      expect.stringContaining('fixture.fakeAdmin: declares access "admin" but its base procedure is public'),
    ]);
  });

  test("start-up refuses such a router before it serves anything", () => {
    const services = { config: {}, logger: {} } as unknown as Services;
    expect(() => createApp(services, undeclaredRouter)).toThrow(/fixture\.undeclared: declares no access/);
  });
});

describe("over HTTP", () => {
  const adminEmail = uniqueEmail("fixture-admin");
  const check = routeAccessCheck(unguardedRouter, unguardedTable);
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ router: unguardedRouter, env: routeCheckEnv(adminEmail) });
    await check.prepare(t, adminEmail);
  });
  afterAll(() => t.stop());

  const endpoint = (path: string) => check.endpoints.find((e) => e.procedurePath === path)!;

  test("an owner route missing from the owned-resource table is reported", () => {
    expect(check.staticProblems).toEqual([expect.stringContaining("fixture.untabledNote: owner-scoped, but the owned-resource table has no row")]);
  });

  test("an owner route that checks the owner passes", async () => {
    expect(await check.check(endpoint("fixture.guardedNote"))).toEqual([]);
  });

  test("an owner route that does not check the owner fails: another user and the admin get the owner's note", async () => {
    const violations = await check.check(endpoint("fixture.unguardedNote"));
    expect(violations).toEqual([
      expect.stringContaining("as another user: expected 404 on the owner's resource, got 200"),
      expect.stringContaining("as another user: the owner's data"),
      expect.stringContaining("as admin: expected 404 on the owner's resource, got 200"),
      expect.stringContaining("as admin: the owner's data"),
    ]);
  });

  test("so does a tRPC-only subscription that streams the owner's note to anyone (its 200 carries the answer in its first event)", async () => {
    const violations = await check.check(endpoint("fixture.unguardedNoteFeed"));
    expect(violations).toEqual([
      expect.stringContaining("as another user: expected 404 on the owner's resource, got 200"),
      expect.stringContaining("as another user: the owner's data"),
      expect.stringContaining("as admin: expected 404 on the owner's resource, got 200"),
      expect.stringContaining("as admin: the owner's data"),
    ]);
  });

  test("checkAll reports them all", async () => {
    const all = await check.checkAll();
    expect(all.some((line) => line.includes("fixture.untabledNote"))).toBe(true);
    expect(all.some((line) => line.includes("fixture.unguardedNote"))).toBe(true);
    expect(all.some((line) => line.includes("fixture.guardedNote"))).toBe(false);
  });
});
