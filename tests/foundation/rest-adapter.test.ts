import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { fixtureRouter } from "./fixture-router.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ router: fixtureRouter });
});
afterAll(() => t.stop());

const post = (body: unknown, method = "POST") => ({
  method,
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("success envelopes", () => {
  test("hosting wraps a resource in { data } and coerces path and query", async () => {
    const res = await t.request("/api/v1/fixture-widgets/12?verbose=true");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ data: { id: 12, name: "w12", size: 1, verbose: true } });
  });

  test("hosting lists render { data, pagination }; repeated query keys become arrays", async () => {
    const res = await t.request("/api/v1/fixture-widgets?page=2&per_page=10&tags=a&tags=b");
    expect(await json(res)).toEqual({
      data: [{ id: 2, name: "a,b", size: 10 }],
      pagination: { current_page: 2, total_pages: 3, total_count: 52, per_page: 10 },
    });
  });

  test("hosting create is 201, delete is 204 with no body", async () => {
    const created = await t.request("/api/v1/fixture-widgets", post({ name: "bot", size: 2 }));
    expect(created.status).toBe(201);
    expect(await json(created)).toEqual({ data: { id: 7, name: "bot", size: 2 } });
    const deleted = await t.request("/api/v1/fixture-widgets/7", { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
  });

  test("other surfaces print the object as is", async () => {
    const res = await t.request("/api/account/fixture", post({ display_name: "Ada" }, "PATCH"));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ display_name: "Ada" });
  });
});

describe("paths", () => {
  test("a path parameter is decoded exactly once", async () => {
    for (const [raw, id] of [["a%2520b", "a%20b"], ["100%25", "100%"], ["%E2%9C%93", "✓"], ["job_1", "job_1"]]) {
      const res = await t.request(`/api/jobs/fixture-echo/${raw}`);
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ id });
    }
  });

  test("a trailing slash reaches the same route; another method is the surface's 405 with Allow", async () => {
    const slash = await t.request("/api/jobs/fixture-echo/x/");
    expect(slash.status).toBe(200);
    expect(await json(slash)).toEqual({ id: "x" });
    const wrongMethod = await t.request("/api/jobs/fixture-echo/x", { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, HEAD");
    expect(await json(wrongMethod)).toEqual({ error: "Method DELETE is not allowed here; allowed: GET, HEAD" });
    expect(wrongMethod.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("validation names the field", () => {
  test("hosting: 422 with details", async () => {
    const res = await t.request("/api/v1/fixture-widgets", post({ size: 0 }));
    expect(res.status).toBe(422);
    const body = await json<{ error: { code: string; message: string; details: Record<string, string> } }>(res);
    expect(body.error.code).toBe("unprocessable_entity");
    expect(body.error.message).toBe("Validation failed");
    expect(Object.keys(body.error.details).sort()).toEqual(["name", "size"]);
  });

  test("hosting: a path parameter that is not a number is 422 naming it", async () => {
    const res = await t.request("/api/v1/fixture-widgets/abc");
    expect(res.status).toBe(422);
    const body = await json<{ error: { details: Record<string, string> } }>(res);
    expect(Object.keys(body.error.details)).toEqual(["id"]);
  });

  test("mobile: 400 { error, code } naming the field", async () => {
    const res = await t.request("/api/account/fixture", post({ display_name: "Ada", session_timeout_min: 1 }, "PATCH"));
    expect(res.status).toBe(400);
    const body = await json<{ error: string; code: string }>(res);
    expect(body.code).toBe("validation_failed");
    expect(body.error).toContain("session_timeout_min");
  });

  test("market: 400 { error } naming the path parameter", async () => {
    const res = await t.request("/api/jobs/fixture/nope/pay", post({ amount_cents: 5 }));
    expect(res.status).toBe(400);
    expect((await json<{ error: string }>(res)).error).toContain("id");
  });

  test("successive inputs merge; an async refinement validates (and names its field)", async () => {
    const ok = await t.request("/api/jobs/fixture-tagged/job_9", post({ tag: "blue" }));
    expect(ok.status).toBe(200);
    expect(await json(ok)).toEqual({ id: "job_9", tag: "blue" });
    const taken = await t.request("/api/jobs/fixture-tagged/job_9", post({ tag: "taken" }));
    expect(taken.status).toBe(400);
    expect(await json(taken)).toMatchObject({ error: expect.stringContaining("tag: tag is taken") });
    const missing = await t.request("/api/jobs/fixture-tagged/job_9", post({}));
    expect(missing.status).toBe(400);
    expect(await json(missing)).toMatchObject({ error: expect.stringContaining("tag") });
  });

  test("malformed JSON is a 400 in the surface's envelope", async () => {
    const res = await t.request("/api/v1/fixture-widgets", post("{not json"));
    expect(res.status).toBe(400);
    const body = await json<{ error: { code: string } }>(res);
    expect(body.error.code).toBe("bad_request");
  });

  test("a JSON array where an object belongs is refused", async () => {
    const res = await t.request("/api/account/fixture", post([1, 2], "PATCH"));
    expect(res.status).toBe(400);
  });
});

describe("error envelopes", () => {
  test("AppError maps through the table: 402 on market", async () => {
    const res = await t.request("/api/jobs/fixture/job_1/pay", post({ amount_cents: 500 }));
    expect(res.status).toBe(402);
    expect(await json(res)).toEqual({ error: "Insufficient balance for 500 cents" });
  });

  test("hosting 404 from a procedure", async () => {
    const res = await t.request("/api/v1/fixture-widgets/404");
    expect(res.status).toBe(404);
    const body = await json<{ error: { code: string; message: string } }>(res);
    expect(body.error).toMatchObject({ code: "not_found", message: "Widget not found" });
  });

  test("error headers travel: 503 with Retry-After on workspaces", async () => {
    const res = await t.request("/api/sandboxes/fixture-busy");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(await json(res)).toMatchObject({ error: "No capacity", request_id: expect.stringMatching(/^req_/) });
  });

  test("an unknown error is a 500 with a request id and no internals, logged with its stack", async () => {
    const res = await t.request("/status/fixture-crash", { headers: { "x-request-id": "crash-123" } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toEqual({ error: "Internal server error", request_id: "crash-123" });
    const logged = t.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === "crash-123");
    expect(logged.level).toBe("error");
    expect(logged.error.stack).toContain("fixture-router.ts");
  });

  test("output that fails its schema is our fault: 500, logged, not a validation error", async () => {
    const res = await t.request("/api/v1/fixture-bad-output", { headers: { "x-request-id": "bad-output-1" } });
    expect(res.status).toBe(500);
    expect(await json(res)).toEqual({ error: { code: "internal_server_error", message: "Internal server error", request_id: "bad-output-1" } });
    const logged = t.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === "bad-output-1");
    expect(logged?.level).toBe("error");
  });

  test("unknown paths answer each surface's 404", async () => {
    const cases: Array<[string, unknown]> = [
      ["/api/v1/nothing-here", { error: { code: "not_found", message: "Not found" } }],
      ["/api/sessions/x/y/z", { error: "Not found", code: "not_found" }],
      ["/api/jobs/x/y/z", { error: "Not found" }],
      ["/api/workspaces/x/y/z", { error: "Not found" }],
      ["/vms/x/y/z", { error: "Not found" }],
    ];
    for (const [path, expected] of cases) {
      const res = await t.request(path);
      expect(res.status).toBe(404);
      const body = await json<Record<string, unknown>>(res);
      if (path.startsWith("/api/v1")) delete (body.error as Record<string, unknown>).request_id;
      expect(body).toEqual(expected as Record<string, unknown>);
    }
  });
});

describe("server-sent events on a REST path", () => {
  async function readEvents(res: Response): Promise<string> {
    return await res.text();
  }

  test("streams tracked events with id and event name, then closes", async () => {
    const res = await t.request("/api/sessions/fixture/stream?to=3");
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await readEvents(res);
    expect(text).toContain('id: 1\nevent: tick\ndata: {"type":"tick","n":1}');
    expect(text).toContain('id: 3\nevent: ended\ndata: {"type":"ended","n":3}');
  });

  test("Last-Event-ID resumes after the last event seen", async () => {
    const res = await t.request("/api/sessions/fixture/stream?to=4", { headers: { "last-event-id": "2" } });
    const text = await readEvents(res);
    expect(text).not.toContain("id: 2\n");
    expect(text).toContain("id: 3\n");
    expect(text).toContain("id: 4\n");
  });
});

describe("request ids", () => {
  test("every response carries one, an incoming one is honoured, a hostile one replaced", async () => {
    const generated = await t.request("/health");
    expect(generated.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const honoured = await t.request("/nope", { headers: { "x-request-id": "abc-123" } });
    expect(honoured.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await t.request("/health", { headers: { "x-request-id": "<script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_/);
  });
});
