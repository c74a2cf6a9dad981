/**
 * Job pulls with 20 concurrent workers (issue 12's bench, called from bench/market.ts): JOBS open
 * jobs on the board, 20 workers (each its own user and agent) pulling through the jobs service
 * (`pullJob`: the agent lookup, then one UPDATE … = (SELECT … FOR UPDATE SKIP LOCKED) and the
 * attempt row, in one transaction) until the board is empty. Prints pulls/s, p50/p99 latency, and
 * the duplicate check: every job handed out exactly once.
 */
import type { ContainerDriver } from "../drivers/container/types.ts";
import { loadConfig } from "../src/config/index.ts";
import { findOrCreateUserByEmail } from "../src/auth/users.ts";
import { createAgent } from "../src/domains/agents/service.ts";
import type { MarketDeps } from "../src/domains/jobs/deps.ts";
import { payJob, pullJob, runJob } from "../src/domains/jobs/service.ts";
import { createEventBus } from "../src/platform/events/index.ts";
import { createLedger } from "../src/platform/ledger/index.ts";
import { createLogger } from "../src/platform/logger.ts";
import { createWorkQueue } from "../src/platform/queue/index.ts";
import type { MarketBenchContext } from "./market-context.ts";

const WORKERS = 20;
const JOBS = Number(process.env.BENCH_MARKET_PULL_JOBS ?? 2000);
const SEED_CONCURRENCY = 8;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export async function pullBench(context: MarketBenchContext): Promise<string[]> {
  const logger = createLogger({ level: "error", sink: () => {} });
  const bus = createEventBus({ logger });
  const queue = createWorkQueue({ db: context.handle.db, logger });
  const deps: MarketDeps = {
    db: context.handle.db,
    ledger: createLedger(),
    bus,
    queue,
    containers: { kind: "simulator" } as ContainerDriver,
    config: loadConfig({}).jobs,
    baseUrl: "http://127.0.0.1",
  };
  try {
    const run = crypto.randomUUID().slice(0, 8);
    const user = async (label: string) =>
      (await findOrCreateUserByEmail(deps.db, { email: `${label}.${run}@bench.test`, emailVerified: true, adminEmails: [] })).user.id;
    const poster = await user("poster");
    await deps.ledger.transfer(deps.db, {
      idempotencyKey: `bench:pull:${run}:fund`,
      debit: { ownerId: null, currency: "usd", kind: "stripe_clearing" },
      credit: { ownerId: poster, currency: "usd", kind: "available" },
      amount: BigInt(JOBS * 1_000),
      reason: "bench.fund",
    });
    const capability = `bench-${run}`;
    // Seeding (not timed): JOBS paid jobs at a spread of prices.
    let next = 0;
    await Promise.all(
      Array.from({ length: SEED_CONCURRENCY }, async () => {
        while (next < JOBS) {
          const i = next++;
          const job = await runJob(deps, poster, {
            title: `bench ${i}`,
            instructions: "bench",
            price_cents: 100 + (i % 900),
            capabilities: [capability],
            tags: [],
            verifier: { type: "contains", value: "x", case_sensitive: true },
          });
          await payJob(deps, poster, job.id);
        }
      }),
    );
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, async (_, i) => {
        const id = await user(`worker${i}`);
        await createAgent({ db: deps.db, userId: id, name: `bench-${run}`, capabilities: [capability], public: false });
        return id;
      }),
    );
    const latencies: number[] = [];
    const handed = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      workers.map(async (worker) => {
        for (;;) {
          const t0 = performance.now();
          const job = await pullJob(deps, worker, {});
          latencies.push(performance.now() - t0);
          if (!job) return;
          handed.set(job.id, (handed.get(job.id) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const pulls = [...handed.values()].reduce((a, b) => a + b, 0);
    const duplicates = [...handed.values()].filter((n) => n > 1).length;
    const sorted = [...latencies].sort((a, b) => a - b);
    const where = context.databaseUrl ? "PostgreSQL" : "PGlite";
    return [
      `job pulls (${where}; ${WORKERS} concurrent workers, ${fmt(JOBS)} open jobs, pulled until the board is empty)`,
      `  ${fmt(pulls / seconds).padStart(8)} pulls/s   p50 ${percentile(sorted, 0.5).toFixed(2)} ms   p99 ${percentile(sorted, 0.99).toFixed(2)} ms`,
      `  handed out ${fmt(handed.size)} of ${fmt(JOBS)} jobs, duplicates: ${duplicates}  ${duplicates === 0 && handed.size === JOBS ? "PASS" : "FAIL"}`,
    ];
  } finally {
    await queue.stop();
    await bus.close();
  }
}
