import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { waitFor } from "../mobile/session-helpers.ts";
import { acct, call, createAgent, fund, jobSpec, openJob, spendable, type JobBody } from "./jobs-helpers.ts";

setDefaultTimeout(60_000);

/** Holds of one second and a reconciler every 100 ms: what it releases happens within the test. */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", JOB_HOLD_SECONDS: "1", MARKET_RECONCILE_MS: "100" } });
}, 180_000);
afterAll(() => t.stop());

const db = () => t.platform.services.db;

describe("jobs reconciler", () => {
  test("an expired hold goes back to the board, and another worker can pull it", async () => {
    const cap = `cap-${crypto.randomUUID().slice(0, 8)}`;
    const poster = await createUserWithKey(t);
    const slow = await createUserWithKey(t);
    const next = await createUserWithKey(t);
    await fund(db(), poster.user.id, 1_000);
    await createAgent(t, slow.headers, { capabilities: [cap] });
    await createAgent(t, next.headers, { capabilities: [cap] });
    const job = await openJob(t, poster.headers, { capabilities: [cap] });
    const held = await call<{ job: JobBody }>(t, "POST", "/api/jobs/pull", slow.headers);
    expect(held.body.job.id).toBe(job.id);
    const reopened = await waitFor(async () => {
      const current = await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, poster.headers);
      return current.body.status === "open" ? current.body : null;
    }, 30_000, "the lapsed hold released");
    expect(reopened.attempts).toBe(0);
    // Too late for the slow worker; the next one gets it.
    const late = await call<{ error: string }>(t, "POST", `/api/jobs/${job.id}/accept`, slow.headers);
    expect(late.status).toBe(400);
    expect((await call<{ job: JobBody }>(t, "POST", "/api/jobs/pull", next.headers)).body.job.id).toBe(job.id);
    // Accepted, the hold no longer lapses.
    expect((await call<JobBody>(t, "POST", `/api/jobs/${job.id}/accept`, next.headers)).body.status).toBe("accepted");
    await Bun.sleep(1_500);
    expect((await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, next.headers)).body.status).toBe("accepted");
  });

  test("a missed deadline fails the job and refunds the escrow; an unpaid one is cancelled", async () => {
    const cap = `cap-${crypto.randomUUID().slice(0, 8)}`;
    const poster = await createUserWithKey(t);
    const worker = await createUserWithKey(t);
    await fund(db(), poster.user.id, 1_000);
    await createAgent(t, worker.headers, { capabilities: [cap] });
    const deadline = new Date(Date.now() + 2_500).toISOString();
    const job = await openJob(t, poster.headers, { capabilities: [cap], deadline });
    const unpaid = await call<JobBody>(t, "POST", "/api/jobs/run", poster.headers, jobSpec({ deadline }));
    await call(t, "POST", `/api/jobs/${job.id}/claim`, worker.headers);
    await call(t, "POST", `/api/jobs/${job.id}/accept`, worker.headers);
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(500n);
    const failed = await waitFor(async () => {
      const current = await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, poster.headers);
      return current.body.status === "failed" ? current.body : null;
    }, 30_000, "the job failed at its deadline");
    expect(failed.fail_reason).toContain("deadline");
    expect(await spendable(db(), acct(poster.user.id, "available"))).toBe(1_000n);
    expect((await call<JobBody>(t, "GET", `/api/jobs/${unpaid.body.id}`, poster.headers)).body.status).toBe("cancelled");
    // Submitting after the deadline is an invalid transition.
    const late = await call<{ error: string }>(t, "POST", `/api/jobs/${job.id}/submit`, worker.headers, { output: "hello" });
    expect(late.status).toBe(400);
    expect(late.body.error).toContain("failed");
  });
});
