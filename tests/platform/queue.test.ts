import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import { queueJobs } from "../../db/schema/work-queue.ts";
import { newId } from "../../src/platform/ids.ts";
import { createLogger, type Logger } from "../../src/platform/logger.ts";
import { createWorkQueue, retryDelayMs, type QueueJob, type WorkQueue } from "../../src/platform/queue/index.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let db: Db;
/** A second connection on PostgreSQL (so two workers really are two clients); the same handle on PGlite. */
let db2: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
  db2 = (await database.connectAgain()).db;
});

afterAll(async () => {
  await database.drop();
});

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({ level: "debug", sink: (line) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function jobsIn(queue: string): Promise<QueueJob[]> {
  return db.select().from(queueJobs).where(eq(queueJobs.queue, queue));
}

async function mustGet(queue: WorkQueue, id: string): Promise<QueueJob> {
  const job = await queue.get(id);
  if (!job) throw new Error(`job ${id} not found`);
  return job;
}

function uniqueQueue(name: string): string {
  return `${name}-${newId("q").slice(2, 10)}`;
}

describe("ids and backoff", () => {
  test("newId is prefixed, base62 and unique", () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => newId("job")));
    expect(ids.size).toBe(2_000);
    for (const id of ids) expect(id).toMatch(/^job_[0-9A-Za-z]{20}$/);
  });

  test("retry delays grow exponentially with equal jitter and a cap", () => {
    const backoff = { baseMs: 100, maxMs: 1_000 };
    const low = [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, backoff, () => 0));
    const high = [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, backoff, () => 1));
    expect(low).toEqual([50, 100, 200, 400, 500, 500]);
    expect(high).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    for (let n = 1; n <= 8; n++) {
      const delay = retryDelayMs(n, backoff);
      expect(delay).toBeGreaterThanOrEqual(retryDelayMs(n, backoff, () => 0));
      expect(delay).toBeLessThanOrEqual(retryDelayMs(n, backoff, () => 1));
    }
  });
});

describe("work queue", () => {
  test("enqueue is idempotent per queue and key, also under concurrency and inside transactions", async () => {
    const { logger } = capturingLogger();
    const queue = createWorkQueue({ db, logger });
    const name = uniqueQueue("idem");

    const first = await queue.enqueue({ queue: name, key: "order-1", payload: { n: 1 } });
    const again = await queue.enqueue({ queue: name, key: "order-1", payload: { n: 2 } });
    expect(first.created).toBe(true);
    expect(first.id).toMatch(/^job_/);
    expect(again).toEqual({ id: first.id, created: false });
    // The first payload stands; a repeat does not overwrite it.
    expect((await mustGet(queue, first.id)).payload).toEqual({ n: 1 });

    // Same key in another queue is another job.
    const other = await queue.enqueue({ queue: `${name}-other`, key: "order-1", payload: null });
    expect(other.created).toBe(true);
    expect(other.id).not.toBe(first.id);

    // Racing enqueues (separate connections on PostgreSQL) still make one job.
    const racers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        queue.enqueue({ queue: name, key: "order-2", payload: { i } }, i % 2 === 0 ? db : db2),
      ),
    );
    expect(new Set(racers.map((r) => r.id)).size).toBe(1);
    expect(racers.filter((r) => r.created)).toHaveLength(1);

    // The caller's transaction decides: rolled back, the job never existed.
    await db
      .transaction(async (tx) => {
        await queue.enqueue({ queue: name, key: "order-3", payload: "x" }, tx);
        throw new Error("rollback");
      })
      .catch(() => undefined);
    const rows = await jobsIn(name);
    expect(rows.map((r) => r.key).sort()).toEqual(["order-1", "order-2"]);
    expect(await queue.get("job_missing")).toBeNull();

    await expect(queue.enqueue({ queue: name, key: "", payload: 1 })).rejects.toMatchObject({ code: "VALIDATION" });
  });

  test("a failing job is retried with growing delays, then dead-lettered with its last error", async () => {
    const { logger, lines } = capturingLogger();
    const backoff = { baseMs: 60, maxMs: 1_000 };
    const queue = createWorkQueue({ db, logger, workerId: "retrier", backoff });
    const name = uniqueQueue("retry");
    const started: number[] = [];
    // A long poll: retries must come from the worker's own wake-up when the delay is due.
    const worker = queue.work<{ fail: true }>(
      name,
      async (job) => {
        started.push(Date.now());
        expect(job.attempt).toBe(started.length);
        throw new Error(`boom #${job.attempt}`);
      },
      { pollMs: 5_000, visibilityMs: 5_000 },
    );
    const { id } = await queue.enqueue({ queue: name, key: "k", payload: { fail: true }, maxAttempts: 4 });

    await waitFor("dead letter", async () => (await mustGet(queue, id)).status === "dead");
    await worker.stop();

    const job = await mustGet(queue, id);
    expect(job).toMatchObject({ status: "dead", attempts: 4, lastError: "boom #4", lockedUntil: null });
    expect(job.finishedAt).toBeInstanceOf(Date);
    expect(started).toHaveLength(4);

    const retries = lines.filter((l) => l.msg === "queue job failed; will retry");
    expect(retries.map((l) => l.attempt)).toEqual([1, 2, 3]);
    const delays = retries.map((l) => Number(l.delayMs));
    for (const [i, delay] of delays.entries()) {
      // Equal jitter: between half and all of the exponential step, so the delays keep growing.
      const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(step);
    }
    expect(delays).toEqual([...delays].sort((x, y) => x - y));
    expect(delays[2] ?? 0).toBeGreaterThan(delays[0] ?? Infinity);

    // The database held each retry back for its delay; the worker's own timer (not the 5 s poll)
    // picked it up when due.
    const gaps = started.slice(1).map((t, i) => t - (started[i] ?? t));
    for (const [i, gap] of gaps.entries()) {
      expect(gap).toBeGreaterThanOrEqual((delays[i] ?? 0) - 2);
      expect(gap).toBeLessThan(2_500);
    }
    expect(lines.some((l) => l.msg === "queue job dead-lettered" && l.jobId === id)).toBe(true);
  });

  test("a crashed worker's job is reclaimed after the visibility timeout; the late original cannot overwrite", async () => {
    const a = capturingLogger();
    const queueA = createWorkQueue({ db, logger: a.logger, workerId: "worker-a" });
    const queueB = createWorkQueue({ db: db2, logger: capturingLogger().logger, workerId: "worker-b" });
    const name = uniqueQueue("crash");

    const hang = deferred<{ by: string }>();
    const aStarted = deferred<AbortSignal>();
    // Worker A "crashes": its handler never returns and nobody stops it.
    const workerA = queueA.work<{ n: number }>(
      name,
      (job) => {
        aStarted.resolve(job.signal);
        return hang.promise;
      },
      { visibilityMs: 300, pollMs: 20 },
    );
    const { id } = await queueA.enqueue({ queue: name, key: "k", payload: { n: 1 } });
    const signalA = await aStarted.promise;
    expect(await mustGet(queueA, id)).toMatchObject({ status: "running", lockedBy: "worker-a", attempts: 1 });

    const seenByB: number[] = [];
    const workerB = queueB.work<{ n: number }>(
      name,
      async (job) => {
        seenByB.push(job.attempt);
        return { by: "B" };
      },
      { visibilityMs: 5_000, pollMs: 20 },
    );
    await waitFor("B to finish the reclaimed job", async () => (await mustGet(queueB, id)).status === "done");
    expect(seenByB).toEqual([2]);
    // A's handler was told its lease ran out.
    await waitFor("A's signal to abort", () => signalA.aborted, 1_000);
    expect((signalA.reason as DOMException).name).toBe("TimeoutError");

    // The original wakes up and reports success: it must not replace B's result.
    hang.resolve({ by: "A" });
    await workerA.stop(2_000);
    await workerB.stop();

    const job = await mustGet(queueA, id);
    expect(job).toMatchObject({ status: "done", attempts: 2, lockedBy: "worker-b", result: { by: "B" } });
    expect(job.lastError).toContain("lease expired (held by worker-a)");
    expect(a.lines.some((l) => l.msg === "queue job lease lost before completion; result discarded" && l.jobId === id)).toBe(true);
  });

  test("a lease kept alive with extendLease is not reclaimed", async () => {
    const queueA = createWorkQueue({ db, logger: capturingLogger().logger, workerId: "extender" });
    const queueB = createWorkQueue({ db: db2, logger: capturingLogger().logger, workerId: "poacher" });
    const name = uniqueQueue("extend");
    const runs: string[] = [];
    const workerA = queueA.work(
      name,
      async (job) => {
        runs.push("A");
        expect(await job.extendLease(2_000)).toBe(true);
        await Bun.sleep(450);
        return "ok";
      },
      { visibilityMs: 150, pollMs: 20 },
    );
    const { id } = await queueA.enqueue({ queue: name, key: "k", payload: {} });
    await waitFor("A to start", () => runs.length === 1);
    const workerB = queueB.work(name, async () => runs.push("B"), { pollMs: 20 });
    await waitFor("done", async () => (await mustGet(queueA, id)).status === "done");
    await Promise.all([workerA.stop(), workerB.stop()]);
    expect(runs).toEqual(["A"]);
    expect(await mustGet(queueA, id)).toMatchObject({ attempts: 1, result: "ok", lockedBy: "extender" });
  });

  test("two workers on two connections run each of N jobs exactly once", async () => {
    const queueA = createWorkQueue({ db, logger: capturingLogger().logger, workerId: "pool-a" });
    const queueB = createWorkQueue({ db: db2, logger: capturingLogger().logger, workerId: "pool-b" });
    const name = uniqueQueue("pool");
    const N = 40;
    const runsByKey = new Map<string, number>();
    const runsByWorker = { a: 0, b: 0 };
    const handler = (who: "a" | "b") => async (job: { key: string; payload: { n: number } }) => {
      runsByKey.set(job.key, (runsByKey.get(job.key) ?? 0) + 1);
      runsByWorker[who] += 1;
      await Bun.sleep(10);
      return { n: job.payload.n, by: who };
    };
    const workers = [
      queueA.work(name, handler("a"), { concurrency: 4, pollMs: 10 }),
      queueB.work(name, handler("b"), { concurrency: 4, pollMs: 10 }),
    ];
    await Promise.all(
      Array.from({ length: N }, (_, n) => (n % 2 ? queueA : queueB).enqueue({ queue: name, key: `k${n}`, payload: { n } })),
    );

    await waitFor("all done", async () => (await jobsIn(name)).every((j) => j.status === "done"), 10_000);
    await Promise.all(workers.map((w) => w.stop()));

    const rows = await jobsIn(name);
    expect(rows).toHaveLength(N);
    expect(runsByKey.size).toBe(N);
    expect([...runsByKey.values()].every((count) => count === 1)).toBe(true);
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(row.result).toMatchObject({ n: Number(row.key.slice(1)) });
    }
    // Both actually took part (SKIP LOCKED let them share the queue rather than take turns).
    expect(runsByWorker.a).toBeGreaterThan(0);
    expect(runsByWorker.b).toBeGreaterThan(0);
    expect(runsByWorker.a + runsByWorker.b).toBe(N);
  });

  test("restart: stop mid-flight, a fresh queue on the same database finishes everything exactly once", async () => {
    const first = capturingLogger();
    const backoff = { baseMs: 20, maxMs: 100 };
    const queue1 = createWorkQueue({ db, logger: first.logger, workerId: "first", backoff });
    const name = uniqueQueue("restart");
    const N = 6;
    for (let n = 0; n < N; n++) await queue1.enqueue({ queue: name, key: `k${n}`, payload: { n } });

    // Of the two handlers in flight at stop, one honours the abort signal, one ignores it (stuck on I/O).
    const stuck = deferred<string>();
    const startedIn1: string[] = [];
    let stuckKey = "";
    const worker1 = queue1.work<{ n: number }>(
      name,
      (job) => {
        startedIn1.push(job.key);
        if (startedIn1.length === 1) {
          stuckKey = job.key;
          return stuck.promise;
        }
        return new Promise((_, reject) => job.signal.addEventListener("abort", () => reject(job.signal.reason)));
      },
      { concurrency: 2, visibilityMs: 300, pollMs: 10 },
    );
    await waitFor("two in flight", () => worker1.running === 2);
    const stopStarted = Date.now();
    await worker1.stop(100);
    expect(Date.now() - stopStarted).toBeLessThan(2_000);
    expect(startedIn1).toHaveLength(2);

    const before = await jobsIn(name);
    const abortedKey = startedIn1[1];
    expect(before.find((j) => j.key === abortedKey)).toMatchObject({ status: "pending", attempts: 1 });
    expect(before.find((j) => j.key === abortedKey)?.lastError).toContain("worker stopping");
    expect(before.find((j) => j.key === stuckKey)).toMatchObject({ status: "running", lockedBy: "first" });
    expect(before.filter((j) => j.status === "pending" && j.attempts === 0)).toHaveLength(N - 2);

    // A new process, in effect: a new queue instance on its own connection.
    const queue2 = createWorkQueue({ db: db2, logger: capturingLogger().logger, workerId: "second", backoff });
    const runsIn2 = new Map<string, number>();
    const worker2 = queue2.work<{ n: number }>(
      name,
      async (job) => {
        runsIn2.set(job.key, (runsIn2.get(job.key) ?? 0) + 1);
        return { by: "second", n: job.payload.n };
      },
      { concurrency: 2, pollMs: 10 },
    );
    await waitFor("all done", async () => (await jobsIn(name)).every((j) => j.status === "done"));
    // The stuck handler from the first instance finally returns; its lease is long gone.
    stuck.resolve("late");
    await waitFor("late completion rejected", () =>
      first.lines.some((l) => l.msg === "queue job lease lost before completion; result discarded"),
    );
    await worker2.stop();

    const after = await jobsIn(name);
    expect(after).toHaveLength(N);
    expect([...runsIn2.keys()].sort()).toEqual(after.map((j) => j.key).sort());
    expect([...runsIn2.values()].every((count) => count === 1)).toBe(true);
    for (const job of after) {
      expect(job).toMatchObject({ status: "done", lockedBy: "second", result: { by: "second" } });
      const expectedAttempts = job.key === stuckKey || job.key === abortedKey ? 2 : 1;
      expect(job.attempts).toBe(expectedAttempts);
    }
  });

  test("queue.stop stops idle workers promptly and refuses new ones", async () => {
    const queue = createWorkQueue({ db, logger: capturingLogger().logger, pollMs: 60_000 });
    const name = uniqueQueue("idle");
    queue.work(name, async () => undefined);
    queue.work(`${name}-2`, async () => undefined, { concurrency: 3 });
    const started = Date.now();
    await queue.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(() => queue.work(name, async () => undefined)).toThrow();
    expect(
      await db.select({ n: sql<number>`count(*)::int` }).from(queueJobs).where(and(eq(queueJobs.queue, name))),
    ).toEqual([{ n: 0 }]);
  });
});
