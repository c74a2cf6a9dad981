import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.stop());

describe("health", () => {
  test("GET /health (compute) reports the database, unauthenticated", async () => {
    const res = await t.request("/health");
    expect(res.status).toBe(200);
    const body = await json<{ status: string; database: { kind: string; reachable: boolean } }>(res);
    expect(body.status).toBe("ok");
    expect(body.database.reachable).toBe(true);
    expect(body.database.kind).toBe(process.env.TEST_DATABASE_URL ? "postgres" : "pglite");
  });

  test("GET /api/v1/health (hosting) wraps the same report in { data }", async () => {
    const res = await t.request("/api/v1/health");
    expect(res.status).toBe(200);
    const body = await json<{ data: { status: string } }>(res);
    expect(body.data.status).toBe("ok");
  });

  test("the typed client reaches the same procedure", async () => {
    const report = await t.client().health.compute.query();
    expect(report.database.reachable).toBe(true);
  });
});

describe("OpenAPI and docs", () => {
  test("/openapi.json is OpenAPI 3.1 with each surface's envelopes and auth schemes", async () => {
    const doc = await json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    }>(await t.request("/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["adminKey", "bearer", "cookie", "walletSignature"]);
    expect(doc.components.schemas.HostingError).toBeDefined();
    const hosting = doc.paths["/api/v1/health"]?.get?.responses["200"]?.content?.["application/json"]?.schema;
    expect(hosting?.required).toEqual(["data"]);
    const compute = doc.paths["/health"]?.get?.responses["200"]?.content?.["application/json"]?.schema;
    expect((compute?.properties as Record<string, unknown>).database).toBeDefined();
    expect(doc.paths["/api/v1/health"]?.get?.responses["422"]).toBeDefined();
  });

  test("each operation documents the errors it answers: surface rate limits, bans, admin, capacity", async () => {
    const doc = await json<{ paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> }>(
      await t.request("/openapi.json"),
    );
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();
    // Hosting: 100 per minute per key on every route.
    expect(statuses("/api/v1/health", "get")).toContain("429");
    expect(doc.paths["/api/v1/health"]?.get?.responses["429"]?.description).toContain("100 per minute");
    // Compute: /health is unlimited and reachable when banned; /admin/* is limited, banned IPs and non-admins get 403.
    expect(statuses("/health", "get")).toEqual(["200", "400", "500"]);
    expect(statuses("/admin/bans", "get")).toEqual(expect.arrayContaining(["401", "403", "429"]));
    expect(doc.paths["/admin/bans"]?.get?.responses["403"]?.description).toContain("not a platform admin");
    expect(doc.paths["/admin/bans"]?.get?.responses["429"]?.description).toContain("20 per minute");
    // Mobile: session limits and capacity, and the gateway's "not active".
    expect(statuses("/api/sessions", "post")).toEqual(expect.arrayContaining(["201", "401", "429", "503"]));
    expect(statuses("/api/sessions/{id}/shell", "post")).toEqual(expect.arrayContaining(["404", "409"]));
    expect(statuses("/auth/signup", "post")).toEqual(expect.arrayContaining(["403", "429"]));
    expect(statuses("/api/skills/{name}/share", "get")).toContain("503");
  });

  test("/docs renders Scalar's reference from a locally served script", async () => {
    const page = await t.request("/docs");
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain('url: "/openapi.json"');
    expect(html).toContain('src="/docs/scalar.js"');
    const script = await t.request("/docs/scalar.js");
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});
