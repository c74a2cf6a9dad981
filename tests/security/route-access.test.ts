import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appRouter } from "../../src/router.ts";
import { uniqueEmail } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { ownedResources } from "../support/owned-resources.ts";
import { routeAccessCheck, routeCheckEnv } from "../support/route-access.ts";

/**
 * Issue 9, "every route, every principal": every procedure of the app router, called as anonymous,
 * with a revoked API key, as another user and as an admin, answers as its access declaration says.
 */
const adminEmail = uniqueEmail("route-admin");
const check = routeAccessCheck(appRouter, ownedResources);
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ env: routeCheckEnv(adminEmail) });
  await check.prepare(t, adminEmail);
});
afterAll(() => t.stop());

test("every procedure declares an access its base enforces, and every owner route has a resource", () => {
  expect(check.staticProblems).toEqual([]);
});

test("/openapi.json tells each operation's access (x-access), and documents 403 on admin routes", async () => {
  const document = (await (await t.request("/openapi.json")).json()) as {
    paths: Record<string, Record<string, { operationId: string; "x-access"?: unknown; responses: Record<string, unknown> }>>;
  };
  const declared = new Map(check.endpoints.map((e) => [e.procedurePath, e.access]));
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      expect({ id: operation.operationId, access: operation["x-access"] }).toEqual({ id: operation.operationId, access: declared.get(operation.operationId) });
      if (operation["x-access"] === "admin") expect(operation.responses["403"]).toBeDefined();
    }
  }
});

describe("each route answers each principal as declared", () => {
  for (const endpoint of check.endpoints) {
    test(`${endpoint.procedurePath}: ${endpoint.label} (${JSON.stringify(endpoint.access)})`, async () => {
      expect(await check.check(endpoint)).toEqual([]);
    });
  }
});
