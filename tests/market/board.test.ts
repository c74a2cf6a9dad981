import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { call, createAgent, fund, jobSpec, openJob, type JobBody } from "./jobs-helpers.ts";

setDefaultTimeout(60_000);

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator" } });
}, 180_000);
afterAll(() => t.stop());

interface BoardJob {
  id: string;
  price_cents: number;
  poster: string;
  verifier_type: string;
}

describe("GET /api/board and /api/board/stats", () => {
  test("stats: counts, 24 h volume and medians, cached between polls", async () => {
    const poster = await createUserWithKey(t);
    const worker = await createUserWithKey(t);
    await fund(t.platform.services.db, poster.user.id, 10_000);
    const cap = `cap-${crypto.randomUUID().slice(0, 8)}`;
    await createAgent(t, worker.headers, { capabilities: [cap] });
    await openJob(t, poster.headers, { capabilities: [cap], price_cents: 100 });
    await openJob(t, poster.headers, { capabilities: [cap], price_cents: 300 });
    const held = await openJob(t, poster.headers, { capabilities: [cap], price_cents: 200 });
    await call(t, "POST", `/api/jobs/${held.id}/claim`, worker.headers);
    await call(t, "POST", "/api/jobs/run", poster.headers, jobSpec());
    const stats = await call<Record<string, unknown>>(t, "GET", "/api/board/stats", worker.headers);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ open: 2, held: 1, done: 0, done_24h: 0, volume_24h_cents: 0, median_completion_s: null, median_price_cents: 200, currency: "usd" });
    // Polled again at once: the same cached figures, not a new scan.
    const again = await call<Record<string, unknown>>(t, "GET", "/api/board/stats", poster.headers);
    expect(again.body.as_of).toBe(stats.body.as_of);
  });

  test("the feed: open jobs only, newest first, filtered by capability and price, paged; no private input, no poster identity", async () => {
    const poster = await createUserWithKey(t, { username: `poster${crypto.randomUUID().slice(0, 6)}` });
    const reader = await createUserWithKey(t);
    await fund(t.platform.services.db, poster.user.id, 10_000);
    const cap = `cap-${crypto.randomUUID().slice(0, 8)}`;
    const opened: JobBody[] = [];
    for (const price of [150, 250, 350, 450]) opened.push(await openJob(t, poster.headers, { capabilities: [cap], price_cents: price }));
    const cancelled = await openJob(t, poster.headers, { capabilities: [cap], price_cents: 999 });
    await call(t, "POST", `/api/jobs/${cancelled.id}/cancel`, poster.headers);

    const all = await call<{ jobs: BoardJob[]; next_cursor: string | null }>(t, "GET", `/api/board?capability=${cap}`, reader.headers);
    expect(all.body.jobs.map((job) => job.id)).toEqual(opened.map((job) => job.id).reverse());
    expect(all.body.jobs[0]).toMatchObject({ poster: poster.user.username, verifier_type: "contains" });
    const text = JSON.stringify(all.body);
    for (const job of opened) expect(text).not.toContain((job.input as { secret: string }).secret);
    expect(text).not.toContain(poster.user.id);
    expect(text).not.toContain(poster.user.email);
    expect(text).not.toContain('"value"'); // the verifier's expected value stays private

    const priced = await call<{ jobs: BoardJob[] }>(t, "GET", `/api/board?capability=${cap}&min_price_cents=200&max_price_cents=400`, reader.headers);
    expect(priced.body.jobs.map((job) => job.price_cents)).toEqual([350, 250]);

    const first = await call<{ jobs: BoardJob[]; next_cursor: string }>(t, "GET", `/api/board?capability=${cap}&limit=3`, reader.headers);
    expect(first.body.jobs).toHaveLength(3);
    const second = await call<{ jobs: BoardJob[]; next_cursor: string | null }>(t, "GET", `/api/board?capability=${cap}&limit=3&cursor=${first.body.next_cursor}`, reader.headers);
    expect(second.body.jobs.map((job) => job.id)).toEqual([opened[0]?.id as string]);
    expect(second.body.next_cursor).toBeNull();
    expect((await call(t, "GET", "/api/board?cursor=not-a-cursor", reader.headers)).status).toBe(400);
  });
});

describe("agents", () => {
  test("create, list mine, names unique per owner; the directory shows public agents only, by capability", async () => {
    const owner = await createUserWithKey(t);
    const other = await createUserWithKey(t);
    const cap = `cap-${crypto.randomUUID().slice(0, 8)}`;
    const made = await call<Record<string, unknown>>(t, "POST", "/api/agents", owner.headers, { name: "Scraper", description: "reads pages", capabilities: [` ${cap.toUpperCase()} `, cap, "web"], public: true });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "Scraper", capabilities: [cap, "web"].sort(), public: true, jobs_done: 0 });
    const hidden = await call<{ id: string }>(t, "POST", "/api/agents", owner.headers, { name: "Private", capabilities: [cap] });
    expect((await call(t, "POST", "/api/agents", owner.headers, { name: "Scraper" })).status).toBe(400);
    expect((await call(t, "POST", "/api/agents", owner.headers, { name: "" })).status).toBe(400);

    const mine = await call<{ agents: Array<{ id: string }> }>(t, "GET", "/api/agents", owner.headers);
    expect(mine.body.agents.map((agent) => agent.id)).toEqual([hidden.body.id, made.body.id as string]);
    expect((await call<{ agents: unknown[] }>(t, "GET", "/api/agents", other.headers)).body.agents).toEqual([]);

    const directory = await call<{ agents: Array<Record<string, unknown>> }>(t, "GET", `/api/agents/directory?capability=${cap}`, other.headers);
    expect(directory.body.agents.map((agent) => agent.id)).toEqual([made.body.id]);
    expect(directory.body.agents[0]).toMatchObject({ jobs_done: 0, success_rate: null, median_completion_s: null, earnings_band: "none" });
    expect(JSON.stringify(directory.body)).not.toContain(owner.user.email);
    expect(JSON.stringify(directory.body)).not.toContain(owner.user.id);
    const none = await call<{ agents: unknown[] }>(t, "GET", `/api/agents/directory?capability=${cap}-none`, other.headers);
    expect(none.body.agents).toEqual([]);
  });

  test("pull without an agent is a 400 that says what to do; a stranger's agent id is 404", async () => {
    const nobody = await createUserWithKey(t);
    const someone = await createUserWithKey(t);
    const theirs = await createAgent(t, someone.headers);
    const pull = await call<{ error: string }>(t, "POST", "/api/jobs/pull", nobody.headers);
    expect(pull.status).toBe(400);
    expect(pull.body.error).toContain("POST /api/agents");
    expect((await call(t, "POST", "/api/jobs/pull", nobody.headers, { agent_id: theirs.id })).status).toBe(404);
  });
});
