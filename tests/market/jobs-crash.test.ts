import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, like, sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "../../db/connection.ts";
import { migrateDatabase } from "../../db/migrate.ts";
import { ledgerAccounts, ledgerTransfers, marketJobs } from "../../db/schema/index.ts";
import type { ContainerDriver } from "../../drivers/container/types.ts";
import { loadConfig } from "../../src/config/index.ts";
import type { MarketDeps } from "../../src/domains/jobs/deps.ts";
import { settleVerification, submitJob } from "../../src/domains/jobs/service.ts";
import { createEventBus } from "../../src/platform/events/index.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { createWorkQueue } from "../../src/platform/queue/index.ts";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "../support/database.ts";
import { createUserWithKeyIn } from "../support/factories.ts";
import { spawnServer, type ServerProcess } from "../support/server-process.ts";
import { acct, fund, jobSpec, ledger, posted, spendable, type JobBody } from "./jobs-helpers.ts";

setDefaultTimeout(180_000);

/**
 * The real server, killed with SIGKILL between the escrow and the payout, then started again on
 * the same database: the job is paid out exactly once, the poster charged exactly once, and the
 * ledger still sums to zero. PostgreSQL when TEST_DATABASE_URL is set, else PGlite under DATA_DIR
 * (opened by the test only while no server runs).
 */
const dataDir = mkdtempSync(join(tmpdir(), "agent-cloud-jobs-crash-"));
const servers: ServerProcess[] = [];
let pgDatabase: TestDatabase | undefined;

afterAll(async () => {
  for (const server of servers) await server.kill();
  await pgDatabase?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function withDb<T>(work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  if (pgDatabase) return work(pgDatabase.handle);
  const handle = await openDatabase({ kind: "pglite", dataDir: join(dataDir, "pglite") });
  try {
    await migrateDatabase(handle);
    return await work(handle);
  } finally {
    await handle.close();
  }
}

function serverEnv(): Record<string, string> {
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    SIGNING_SECRET: "jobs-crash-test-signing-secret-0123456789abcdef",
    CONTAINER_DRIVER: "simulator",
    QUEUE_POLL_MS: "50",
    MARKET_RECONCILE_MS: "200",
    // The verification lease (VERIFY_TIMEOUT_S + 15 s) is what a killed run waits out.
    VERIFY_TIMEOUT_S: "1",
    SHUTDOWN_GRACE_MS: "2000",
    LOG_LEVEL: "info",
  };
  if (pgDatabase?.url) env.DATABASE_URL = pgDatabase.url;
  if (process.env.REDIS_URL) Object.assign(env, { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `test:jobs-crash-${crypto.randomUUID().slice(0, 8)}:` });
  return env;
}

async function start(): Promise<ServerProcess> {
  const server = await spawnServer(serverEnv(), { startTimeoutMs: 120_000 });
  servers.push(server);
  return server;
}

async function rest<T = JobBody>(server: ServerProcess, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The jobs services straight on a database, as a server's request would run them. */
function depsOn(handle: DatabaseHandle): MarketDeps & { close(): Promise<void> } {
  const logger = createLogger({ level: "error", sink: () => {} });
  const bus = createEventBus({ logger });
  const queue = createWorkQueue({ db: handle.db, logger });
  return {
    db: handle.db,
    ledger,
    bus,
    queue,
    containers: { kind: "simulator" } as ContainerDriver,
    config: loadConfig({}).jobs,
    baseUrl: "http://127.0.0.1",
    async close() {
      await queue.stop();
      await bus.close();
    },
  };
}

describe("a crash between escrow and payout", () => {
  test("SIGKILL after the escrow and after the submission, then a restart: paid out once, charged once, nothing lost", async () => {
    if (testDatabaseUrl) pgDatabase = await createTestDatabase();
    const { poster, worker } = await withDb(async (handle) => {
      const poster = await createUserWithKeyIn(handle.db);
      const worker = await createUserWithKeyIn(handle.db);
      await fund(handle.db, poster.user.id, 2_000);
      return { poster, worker };
    });

    // First life: two jobs paid into escrow; one accepted, one submitted; then SIGKILL.
    let server = await start();
    await rest(server, "POST", "/api/agents", worker.headers, { name: "crash", capabilities: ["writing"] });
    const jobs: JobBody[] = [];
    for (let i = 0; i < 2; i++) {
      const job = await rest(server, "POST", "/api/jobs/run", poster.headers, jobSpec({ price_cents: 500 }));
      jobs.push(await rest(server, "POST", `/api/jobs/${job.id}/pay`, poster.headers));
    }
    const [held, racing] = jobs as [JobBody, JobBody];
    await rest(server, "POST", `/api/jobs/${held.id}/claim`, worker.headers);
    await rest(server, "POST", `/api/jobs/${held.id}/accept`, worker.headers);
    await rest(server, "POST", `/api/jobs/${racing.id}/claim`, worker.headers);
    await rest(server, "POST", `/api/jobs/${racing.id}/accept`, worker.headers);
    // This one's verification races the kill: it may or may not have run.
    await rest(server, "POST", `/api/jobs/${racing.id}/submit`, worker.headers, { output: "hello" });
    await server.kill();

    // What a server killed right after committing a submission leaves: submitted, verification queued, escrow pending.
    await withDb(async (handle) => {
      const deps = depsOn(handle);
      try {
        await submitJob(deps, worker.user.id, { id: held.id, output: "hello again" });
      } finally {
        await deps.close();
      }
      const [row] = await handle.db.select().from(marketJobs).where(eq(marketJobs.id, held.id));
      expect(row?.status).toBe("submitted");
      expect(await spendable(handle.db, acct(poster.user.id, "available"))).toBe(1_000n);
      expect(await posted(handle.db, acct(worker.user.id, "earnings"))).toBeLessThanOrEqual(475n);
    });

    // Second life: both verifications finish and pay out.
    server = await start();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const states = await Promise.all(jobs.map((job) => rest(server, "GET", `/api/jobs/${job.id}`, poster.headers)));
      if (states.every((job) => job.status === "done")) break;
      if (Date.now() > deadline) throw new Error(`jobs not done after the restart: ${states.map((job) => job.status).join(", ")}\n${server.logs.slice(-30).join("\n")}`);
      await Bun.sleep(200);
    }
    await server.stop();

    await withDb(async (handle) => {
      // A verdict delivered again (a queue retry, a second replica) moves nothing.
      const deps = depsOn(handle);
      try {
        expect(await settleVerification(deps, { jobId: held.id, attempt: 0, passed: true, reason: "again" })).toBe("stale");
      } finally {
        await deps.close();
      }
      expect(await spendable(handle.db, acct(poster.user.id, "available"))).toBe(1_000n);
      expect(await posted(handle.db, acct(poster.user.id, "escrow"))).toBe(0n);
      expect(await posted(handle.db, acct(worker.user.id, "earnings"))).toBe(950n);
      expect(await posted(handle.db, acct(null, "fees"))).toBe(50n);
      for (const job of jobs) {
        const moves = await handle.db.select({ key: ledgerTransfers.idempotencyKey }).from(ledgerTransfers).where(like(ledgerTransfers.idempotencyKey, `job:${job.id}:%`));
        expect(moves.map((move) => move.key).sort()).toEqual(["escrow", "escrow-post", "fee", "payout"].map((step) => `job:${job.id}:${step}`).sort());
      }
      const [sum] = await handle.db.select({ total: sql<string>`coalesce(sum(${ledgerAccounts.posted}), 0)` }).from(ledgerAccounts).where(eq(ledgerAccounts.currency, "usd"));
      expect(BigInt(sum?.total ?? "x")).toBe(0n);
    });
  });
});
