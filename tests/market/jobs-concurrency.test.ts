import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { inArray } from "drizzle-orm";
import { jobAttempts } from "../../db/schema/index.ts";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { call, createAgent, fund, openJob, type JobBody } from "./jobs-helpers.ts";

setDefaultTimeout(120_000);

/** Row locks only mean something on PostgreSQL (PGlite runs one statement at a time). */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator" } });
}, 180_000);
afterAll(() => t.stop());

describe("pulling concurrently", () => {
  test.skipIf(!onPostgres)("20 workers pulling at once never share a job, and every job is handed out", async () => {
    const cap = `cap-${crypto.randomUUID().slice(0, 8)}`;
    const poster = await createUserWithKey(t);
    await fund(t.platform.services.db, poster.user.id, 100_000);
    const jobs = await Promise.all(Array.from({ length: 30 }, (_, i) => openJob(t, poster.headers, { capabilities: [cap], price_cents: 100 + (i % 7) })));
    const workers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const worker = await createUserWithKey(t);
        await createAgent(t, worker.headers, { capabilities: [cap] });
        return worker;
      }),
    );
    const got = new Map<string, string[]>();
    // Every worker pulls until the board runs dry; the pulls of all 20 overlap.
    await Promise.all(
      workers.map(async (worker) => {
        for (;;) {
          const pulled = await call<{ job: JobBody | null }>(t, "POST", "/api/jobs/pull", worker.headers);
          expect(pulled.status).toBe(200);
          const job = pulled.body.job;
          if (!job) return;
          got.set(job.id, [...(got.get(job.id) ?? []), worker.user.id]);
        }
      }),
    );
    const shared = [...got.entries()].filter(([, holders]) => holders.length > 1);
    expect(shared).toEqual([]);
    expect([...got.keys()].sort()).toEqual(jobs.map((job) => job.id).sort());
    // Each pull held exactly the job it answered with: every job is held by the one worker that got it.
    const holders = await Promise.all(jobs.map(async (job) => (await call<JobBody & { worker_agent_id: string }>(t, "GET", `/api/jobs/${job.id}`, poster.headers)).body.status));
    expect(new Set(holders)).toEqual(new Set(["held"]));
    // Each hold began one attempt, of the agent that holds the job.
    const attempts = await t.platform.services.db
      .select({ jobId: jobAttempts.jobId, userId: jobAttempts.userId })
      .from(jobAttempts)
      .where(inArray(jobAttempts.jobId, jobs.map((job) => job.id)));
    expect(attempts).toHaveLength(jobs.length);
    for (const attempt of attempts) expect(got.get(attempt.jobId)).toEqual([attempt.userId]);
  });
});
