import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { readSse, waitFor } from "../mobile/session-helpers.ts";
import { acct, call, createAgent, fund, jobSpec, openJob, posted, spendable, type JobBody } from "./jobs-helpers.ts";

// The machine may be busy (shared CI cores): the steps are not timed, only bounded.
setDefaultTimeout(60_000);

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", MARKET_FEE_BPS: "500" } });
}, 180_000);
afterAll(() => t.stop());

const db = () => t.platform.services.db;
/** Each test's own capability, so no other test's worker pulls its jobs. */
const capability = () => `cap-${crypto.randomUUID().slice(0, 8)}`;

async function people(fundCents = 1_000) {
  const poster = await createUserWithKey(t);
  const worker = await createUserWithKey(t);
  if (fundCents > 0) await fund(db(), poster.user.id, fundCents);
  return { poster, worker };
}

describe("jobs: the whole story", () => {
  test("run → pay → pull → accept → submit → verified live on the log stream → paid, minus the fee", async () => {
    const cap = capability();
    const { poster, worker } = await people();
    const agent = await createAgent(t, worker.headers, { capabilities: [cap, "writing"], public: true });
    const feesBefore = await posted(db(), acct(null, "fees"));

    const run = await call<JobBody>(t, "POST", "/api/jobs/run", poster.headers, jobSpec({ capabilities: [cap] }));
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ status: "pending_payment", role: "poster", quote: { price_cents: 500, fee_cents: 25, payout_cents: 475, currency: "usd" } });
    // Nothing moved yet: the first phase only quotes.
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(1_000n);

    const paid = await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/pay`, poster.headers);
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe("open");
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(500n);

    // On the board without the private input or the poster's identity.
    const board = await call<{ jobs: Array<Record<string, unknown>> }>(t, "GET", `/api/board?capability=${cap}`, worker.headers);
    expect(board.status).toBe(200);
    expect(board.body.jobs.map((job) => job.id)).toEqual([run.body.id]);
    const shown = JSON.stringify(board.body);
    expect(shown).not.toContain((run.body.input as { secret: string }).secret);
    expect(shown).not.toContain(poster.user.id);
    expect(shown).not.toContain(poster.user.email);

    const pulled = await call<{ job: JobBody | null }>(t, "POST", "/api/jobs/pull", worker.headers, { agent_id: agent.id });
    expect(pulled.status).toBe(200);
    expect(pulled.body.job).toMatchObject({ id: run.body.id, status: "held", role: "worker", worker_agent_id: agent.id });
    expect(pulled.body.job?.input).toEqual(run.body.input);

    const accepted = await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/accept`, worker.headers);
    expect(accepted.body.status).toBe("accepted");

    // The poster follows the verification live.
    const stream = await t.request(`/api/jobs/${run.body.id}/logs`, { headers: poster.headers });
    expect(stream.status).toBe(200);
    const events = readSse(stream, (event) => event.event === "status" && (event.data as { data: { status: string } }).data.status === "done");
    const submitted = await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/submit`, worker.headers, { output: "hello, world" });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe("submitted");
    // Not the poster's until verified and paid for.
    const before = await call<{ status: string; output: unknown }>(t, "GET", `/api/jobs/${run.body.id}`, poster.headers);
    if (before.body.status !== "done") expect(before.body.output).toBeNull();
    const seen = await events;
    expect(seen.map((event) => event.event)).toContain("verdict");
    expect(seen.find((event) => event.event === "verdict")?.data).toMatchObject({ line: "verdict: pass" });
    expect(seen.every((event, i) => Number(event.id) === Number(seen[0]?.id) + i)).toBe(true);

    const done = await call<JobBody & { output: unknown }>(t, "GET", `/api/jobs/${run.body.id}`, poster.headers);
    expect(done.body.status).toBe("done");
    expect(done.body.output).toBe("hello, world");
    expect(await posted(db(), acct(worker.user.id, "earnings"))).toBe(475n);
    expect(await posted(db(), acct(null, "fees")) - feesBefore).toBe(25n);
    expect(await posted(db(), acct(poster.user.id, "escrow"))).toBe(0n);
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(500n);

    // A replay from an id gets only what came after it, then closes (the job is finished).
    const replay = await t.request(`/api/jobs/${run.body.id}/logs`, { headers: { ...worker.headers, "last-event-id": seen[1]?.id ?? "0" } });
    const replayed = await readSse(replay, () => false, 5_000);
    expect(replayed.map((event) => event.id)).toEqual(seen.slice(2).map((event) => event.id));

    // The agent's record, in the directory.
    const directory = await call<{ agents: Array<Record<string, unknown>> }>(t, "GET", `/api/agents/directory?capability=${cap}`, poster.headers);
    expect(directory.body.agents).toHaveLength(1);
    expect(directory.body.agents[0]).toMatchObject({ id: agent.id, jobs_done: 1, success_rate: 1, earnings_band: "under_10" });
    expect(typeof directory.body.agents[0]?.median_completion_s).toBe("number");
    expect(JSON.stringify(directory.body)).not.toContain(worker.user.email);

    // Both see it in their lists.
    const mine = await call<{ jobs: JobBody[] }>(t, "GET", "/api/jobs?role=worker", worker.headers);
    expect(mine.body.jobs.map((job) => job.id)).toContain(run.body.id);
    const posted_ = await call<{ jobs: JobBody[] }>(t, "GET", "/api/jobs?role=poster", poster.headers);
    expect(posted_.body.jobs.map((job) => job.id)).toEqual([run.body.id]);
  });

  test("the typed client: the same steps, and the log as a subscription", async () => {
    const cap = capability();
    const { poster, worker } = await people();
    const posterApi = t.client(poster.key);
    const workerApi = t.client(worker.key);
    await workerApi.agents.create.mutate({ name: "typed", capabilities: [cap] });
    const job = await posterApi.jobs.run.mutate({ ...jobSpec({ capabilities: [cap] }), verifier: { type: "regex", pattern: "^\\{.*\"answer\"", flags: "s" } } as never);
    await posterApi.jobs.pay.mutate({ id: job.id });
    const pulled = await workerApi.jobs.pull.mutate({});
    expect(pulled.job?.id).toBe(job.id);
    await workerApi.jobs.accept.mutate({ id: job.id });
    const lines: string[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      const sub = posterApi.jobs.logs.subscribe(
        { id: job.id },
        {
          onData: (event) => {
            lines.push(event.data.line);
            if (event.data.type === "status" && event.data.data?.status === "done") {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    await workerApi.jobs.submit.mutate({ id: job.id, output: { answer: 42 } });
    await finished;
    expect(lines).toContain("verdict: pass");
    expect((await posterApi.jobs.get.query({ id: job.id })).status).toBe("done");
  });
});

describe("jobs: each branch", () => {
  test("402 with the shortfall when the balance is short; the job stays pending", async () => {
    const { poster } = await people(100);
    const run = await call<JobBody>(t, "POST", "/api/jobs/run", poster.headers, jobSpec({ price_cents: 500 }));
    const pay = await call<{ error: string }>(t, "POST", `/api/jobs/${run.body.id}/pay`, poster.headers);
    expect(pay.status).toBe(402);
    expect(pay.body.error).toContain("400");
    expect(Object.keys(pay.body)).toEqual(["error"]);
    expect((await call<JobBody>(t, "GET", `/api/jobs/${run.body.id}`, poster.headers)).body.status).toBe("pending_payment");
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(100n);
  });

  test("pay honours Idempotency-Key: a retry gets the stored answer, the escrow moves once", async () => {
    const { poster } = await people();
    const run = await call<JobBody>(t, "POST", "/api/jobs/run", poster.headers, jobSpec());
    const key = { ...poster.headers, "idempotency-key": `pay-${run.body.id}` };
    const first = await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/pay`, key);
    const retry = await t.request(`/api/jobs/${run.body.id}/pay`, { method: "POST", headers: key });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(((await retry.json()) as JobBody).status).toBe("open");
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(500n);
    // Without the key, paying again is the invalid transition it is.
    expect((await call(t, "POST", `/api/jobs/${run.body.id}/pay`, poster.headers)).status).toBe(400);
  });

  test("reject puts the job back on the board, no attempt counted", async () => {
    const cap = capability();
    const { poster, worker } = await people();
    await createAgent(t, worker.headers, { capabilities: [cap] });
    const job = await openJob(t, poster.headers, { capabilities: [cap] });
    expect((await call<{ job: JobBody }>(t, "POST", "/api/jobs/pull", worker.headers)).body.job.id).toBe(job.id);
    const rejected = await call<JobBody>(t, "POST", `/api/jobs/${job.id}/reject`, worker.headers);
    expect(rejected.body).toMatchObject({ status: "open", attempts: 0 });
    // The worker no longer holds it: the job is theirs to see only on the board.
    expect((await call(t, "GET", `/api/jobs/${job.id}`, worker.headers)).status).toBe(404);
    const board = await call<{ jobs: Array<{ id: string }> }>(t, "GET", `/api/board?capability=${cap}`, worker.headers);
    expect(board.body.jobs.map((j) => j.id)).toEqual([job.id]);
  });

  test("fail counts an attempt and reopens; the last one fails the job and refunds the poster", async () => {
    const cap = capability();
    const { poster, worker } = await people();
    await createAgent(t, worker.headers, { capabilities: [cap] });
    const job = await openJob(t, poster.headers, { capabilities: [cap], max_attempts: 2 });
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(500n);
    await call(t, "POST", `/api/jobs/${job.id}/claim`, worker.headers);
    await call(t, "POST", `/api/jobs/${job.id}/accept`, worker.headers);
    const first = await call<JobBody>(t, "POST", `/api/jobs/${job.id}/fail`, worker.headers, { reason: "too hard" });
    expect(first.body).toMatchObject({ status: "open", attempts: 1 });
    await call(t, "POST", `/api/jobs/${job.id}/claim`, worker.headers);
    const last = await call<JobBody>(t, "POST", `/api/jobs/${job.id}/fail`, worker.headers);
    expect(last.body).toMatchObject({ status: "failed", attempts: 2 });
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(1_000n);
    expect(await posted(db(), acct(poster.user.id, "escrow"))).toBe(0n);
    const again = await call<{ error: string }>(t, "POST", `/api/jobs/${job.id}/fail`, poster.headers);
    expect(again.status).toBe(403);
  });

  test("verification failure reopens the job; at the last attempt it fails and is refunded, live on the stream", async () => {
    const cap = capability();
    const { poster, worker } = await people();
    await createAgent(t, worker.headers, { capabilities: [cap] });
    const job = await openJob(t, poster.headers, { capabilities: [cap], max_attempts: 2, verifier: { type: "json_schema", schema: { type: "object", required: ["n"], properties: { n: { type: "integer" } } } } });
    await call(t, "POST", `/api/jobs/${job.id}/claim`, worker.headers);
    await call(t, "POST", `/api/jobs/${job.id}/accept`, worker.headers);
    await call(t, "POST", `/api/jobs/${job.id}/submit`, worker.headers, { output: { n: "not a number" } });
    const reopened = await waitFor(async () => {
      const current = await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, poster.headers);
      return current.body.status === "open" ? current.body : null;
    }, 20_000, "the job reopened");
    expect(reopened.attempts).toBe(1);

    await call(t, "POST", `/api/jobs/${job.id}/claim`, worker.headers);
    await call(t, "POST", `/api/jobs/${job.id}/accept`, worker.headers);
    const stream = await t.request(`/api/jobs/${job.id}/logs`, { headers: poster.headers });
    const events = readSse(stream, (event) => event.event === "status" && (event.data as { data: { status: string } }).data.status === "failed");
    await call(t, "POST", `/api/jobs/${job.id}/submit`, worker.headers, "{\"m\": 1}" as unknown as Record<string, unknown>);
    await call(t, "POST", `/api/jobs/${job.id}/submit`, worker.headers, { output: "{\"m\": 1}" });
    const seen = await events;
    expect(seen.some((event) => event.event === "log" && String((event.data as { line: string }).line).startsWith("invalid:"))).toBe(true);
    expect(seen.filter((event) => event.event === "verdict").map((event) => (event.data as { data: { passed: boolean } }).data.passed)).toEqual([false, false]);
    const failed = await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, poster.headers);
    expect(failed.body).toMatchObject({ status: "failed", attempts: 2 });
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(1_000n);
    expect(await posted(db(), acct(worker.user.id, "earnings"))).toBe(0n);
  });

  test("cancel voids the escrow while nobody holds the job; a held job cannot be cancelled", async () => {
    const cap = capability();
    const { poster, worker } = await people();
    await createAgent(t, worker.headers, { capabilities: [cap] });
    const unpaid = await call<JobBody>(t, "POST", "/api/jobs/run", poster.headers, jobSpec());
    expect((await call<JobBody>(t, "POST", `/api/jobs/${unpaid.body.id}/cancel`, poster.headers)).body.status).toBe("cancelled");

    const job = await openJob(t, poster.headers, { capabilities: [cap] });
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(500n);
    const cancelled = await call<JobBody>(t, "POST", `/api/jobs/${job.id}/cancel`, poster.headers);
    expect(cancelled.body.status).toBe("cancelled");
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(1_000n);
    const twice = await call<{ error: string }>(t, "POST", `/api/jobs/${job.id}/cancel`, poster.headers);
    expect(twice.status).toBe(400);
    expect(twice.body.error).toContain("cancelled");

    const held = await openJob(t, poster.headers, { capabilities: [cap] });
    await call(t, "POST", `/api/jobs/${held.id}/claim`, worker.headers);
    const refused = await call<{ error: string }>(t, "POST", `/api/jobs/${held.id}/cancel`, poster.headers);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain("held");
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(500n);
  });

  test("authorization: someone else's job is 404, the wrong role 403, an illegal step 400 naming the state", async () => {
    const cap = capability();
    const { poster, worker } = await people();
    const stranger = await createUserWithKey(t);
    await createAgent(t, worker.headers, { capabilities: [cap] });
    await createAgent(t, stranger.headers, { capabilities: [cap] });
    await createAgent(t, poster.headers, { capabilities: [cap] });
    const job = await openJob(t, poster.headers, { capabilities: [cap] });

    expect((await call(t, "GET", `/api/jobs/${job.id}`, stranger.headers)).status).toBe(404);
    expect((await call(t, "POST", `/api/jobs/${job.id}/pay`, stranger.headers)).status).toBe(404);
    expect((await call(t, "POST", `/api/jobs/${job.id}/claim`, poster.headers)).status).toBe(403);
    const early = await call<{ error: string }>(t, "POST", `/api/jobs/${job.id}/accept`, worker.headers);
    expect(early.status).toBe(400);
    expect(early.body.error).toContain("open");

    await call(t, "POST", `/api/jobs/${job.id}/claim`, worker.headers);
    expect((await call(t, "POST", `/api/jobs/${job.id}/accept`, poster.headers)).status).toBe(403);
    expect((await call(t, "POST", `/api/jobs/${job.id}/accept`, stranger.headers)).status).toBe(404);
    expect((await call(t, "POST", `/api/jobs/${job.id}/claim`, stranger.headers)).status).toBe(404);
    expect((await call(t, "GET", `/api/jobs/${job.id}/logs`, stranger.headers)).status).toBe(404);
    expect((await call(t, "POST", `/api/jobs/${job.id}/pay`, worker.headers)).status).toBe(403);
    const paid = await call<{ error: string }>(t, "POST", `/api/jobs/${job.id}/pay`, poster.headers);
    expect(paid.status).toBe(400);
    expect(paid.body.error).toContain("held");
    // The worker holding it sees the private input; the poster's own pull never returns their job.
    expect((await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, worker.headers)).body.input).toEqual((await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, poster.headers)).body.input);
  });

  test("bad specs are 400 before anything is stored: a past deadline, a bad pattern, a command verifier without an engine", async () => {
    const { poster } = await people(0);
    const past = await call<{ error: string }>(t, "POST", "/api/jobs/run", poster.headers, jobSpec({ deadline: new Date(Date.now() - 1_000).toISOString() }));
    expect(past.status).toBe(400);
    const pattern = await call<{ error: string }>(t, "POST", "/api/jobs/run", poster.headers, jobSpec({ verifier: { type: "regex", pattern: "(" } }));
    expect(pattern.status).toBe(400);
    const command = await call<{ error: string }>(t, "POST", "/api/jobs/run", poster.headers, jobSpec({ verifier: { type: "command", command: "true" } }));
    expect(command.status).toBe(400);
    expect(command.body.error).toContain("simulator");
    const list = await call<{ jobs: unknown[] }>(t, "GET", "/api/jobs", poster.headers);
    expect(list.body.jobs).toEqual([]);
  });
});
