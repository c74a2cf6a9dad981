/**
 * `bun run bench:market`: the market's benchmarks, side by side in one run (see bench/README.md, "Market").
 *
 * 1. Ledger transfers per second through the service (`createLedger().transfer`: validation, the
 *    statement built with drizzle, run, result parsed) against a floor: the very same single SQL
 *    statement (rendered once per transfer by the ledger's own builder, ahead of the timed loop)
 *    issued bare through Bun SQL. Target on PostgreSQL: service ≥ 0.6 of the floor.
 * 2. Job pulls with 20 concurrent workers (bench/market-pull.ts, added by the jobs work): see the hook below.
 *
 * PostgreSQL with BENCH_DATABASE_URL (a scratch database `bench_market_<random>` is made on that
 * server and dropped at the end); PGlite in memory without it (the ratio is then printed but the
 * target is stated for PostgreSQL).
 */
import { SQL } from "bun";
import { PgDialect } from "drizzle-orm/pg-core";
import { openDatabase, type DatabaseHandle } from "../db/connection.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { createLedger, type LedgerAccountRef, type TransferInput } from "../src/platform/ledger/index.ts";
import { transferStatement } from "../src/platform/ledger/ledger.ts";
import type { MarketBenchContext } from "./market-context.ts";
import { pullBench } from "./market-pull.ts";

const TRANSFERS = Number(process.env.BENCH_MARKET_TRANSFERS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_MARKET_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const serverUrl = process.env.BENCH_DATABASE_URL || undefined;

/** A scratch database: a new PostgreSQL database on BENCH_DATABASE_URL's server, or PGlite in memory. */
async function scratchDatabase(): Promise<{ handle: DatabaseHandle; url: string | undefined; drop(): Promise<void> }> {
  if (!serverUrl) {
    const handle = await openDatabase({ kind: "pglite", dataDir: "memory" });
    await migrateDatabase(handle);
    return { handle, url: undefined, drop: () => handle.close() };
  }
  const name = `bench_market_${crypto.randomUUID().slice(0, 8)}`;
  const admin = new SQL({ url: serverUrl, max: 1 });
  await admin.unsafe(`create database "${name}"`);
  await admin.close();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: "postgres", url: url.toString(), max: CONCURRENCY });
  await migrateDatabase(handle);
  return {
    handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      const cleanup = new SQL({ url: serverUrl, max: 1 });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.close();
    },
  };
}

const account = (ownerId: string): LedgerAccountRef => ({ ownerId, currency: "usd", kind: "available" });

/**
 * The workload: CONCURRENCY workers, each moving 1 cent back and forth between its own two funded
 * wallets (no-overdraft accounts, so the CHECK runs on every transfer), TRANSFERS in all. Workers
 * never share an account: this measures the per-transfer cost, not one hot row's lock queue.
 */
function workload(run: string): TransferInput[][] {
  return Array.from({ length: CONCURRENCY }, (_, worker) => {
    const a = `bench_${worker}_a`;
    const b = `bench_${worker}_b`;
    return Array.from({ length: Math.ceil(TRANSFERS / CONCURRENCY) }, (_, i) => ({
      idempotencyKey: `bench:${run}:${worker}:${i}`,
      debit: account(i % 2 === 0 ? a : b),
      credit: account(i % 2 === 0 ? b : a),
      amount: 1n,
      reason: "bench",
    }));
  });
}

async function fund(handle: DatabaseHandle): Promise<void> {
  const ledger = createLedger();
  for (let worker = 0; worker < CONCURRENCY; worker++) {
    for (const side of ["a", "b"]) {
      await ledger.transfer(handle.db, {
        idempotencyKey: `bench:fund:${worker}:${side}`,
        debit: { ownerId: null, currency: "usd", kind: "stripe_clearing" },
        credit: account(`bench_${worker}_${side}`),
        amount: 1_000_000n,
        reason: "bench.fund",
      });
    }
  }
}

async function timed(lanes: Array<() => Promise<void>>): Promise<number> {
  const started = performance.now();
  await Promise.all(lanes.map((lane) => lane()));
  return (performance.now() - started) / 1000;
}

async function serviceRun(handle: DatabaseHandle, run: string): Promise<number> {
  const ledger = createLedger();
  const lanes = workload(run).map((inputs) => async () => {
    for (const input of inputs) await ledger.transfer(handle.db, input);
  });
  return (CONCURRENCY * Math.ceil(TRANSFERS / CONCURRENCY)) / (await timed(lanes));
}

/** The same statements, rendered before the clock starts, sent through Bun SQL (or PGlite's own query) with nothing around them. */
async function floorRun(bare: (text: string, params: unknown[]) => Promise<unknown>, run: string): Promise<number> {
  const dialect = new PgDialect();
  const lanes = workload(run).map((inputs) => {
    const queries = inputs.map((input) => dialect.sqlToQuery(transferStatement(input).statement));
    return async () => {
      for (const query of queries) await bare(query.sql, query.params);
    };
  });
  return (CONCURRENCY * Math.ceil(TRANSFERS / CONCURRENCY)) / (await timed(lanes));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export async function ledgerBench(context: MarketBenchContext): Promise<string[]> {
  const { handle, databaseUrl } = context;
  await fund(handle);
  let bare: (text: string, params: unknown[]) => Promise<unknown>;
  let close = async () => {};
  if (databaseUrl) {
    const client = new SQL({ url: databaseUrl, max: CONCURRENCY });
    bare = (text, params) => client.unsafe(text, params as never[]);
    close = () => client.close();
  } else {
    // drizzle keeps the driver's client as `$client` (not in the shared Db type).
    const pglite = (handle.db as unknown as { $client: { query(text: string, params: unknown[]): Promise<unknown> } }).$client;
    bare = (text, params) => pglite.query(text, params);
  }
  const service: number[] = [];
  const floor: number[] = [];
  const ratios: number[] = [];
  try {
    // Warm-up (JIT, plans, connections), not counted.
    await floorRun(bare, "warm-floor");
    await serviceRun(handle, "warm-service");
    for (let round = 0; round < context.rounds; round++) {
      // Alternate which goes first: the tables grow as the run goes on.
      let f = 0;
      let s = 0;
      if (round % 2 === 0) {
        f = await floorRun(bare, `floor-${round}`);
        s = await serviceRun(handle, `service-${round}`);
      } else {
        s = await serviceRun(handle, `service-${round}`);
        f = await floorRun(bare, `floor-${round}`);
      }
      floor.push(f);
      service.push(s);
      ratios.push(s / f);
    }
  } finally {
    await close();
  }
  const ratio = median(ratios);
  const where = databaseUrl ? "PostgreSQL" : "PGlite (the target is stated for PostgreSQL)";
  return [
    `ledger transfers (${where}; ${CONCURRENCY} concurrent, ${fmt(TRANSFERS)} per run, median of ${context.rounds} rounds)`,
    `  floor: the transfer statement bare through ${databaseUrl ? "Bun SQL" : "PGlite"}   ${fmt(median(floor)).padStart(8)} transfers/s`,
    `  service: createLedger().transfer                       ${fmt(median(service)).padStart(8)} transfers/s`,
    `  ledger service ≥ 0.6 of the bare statement: ${ratio.toFixed(2)}  ${ratio >= 0.6 ? "PASS" : "short"}${databaseUrl ? "" : "  (PGlite)"}`,
  ];
}

/**
 * The cases, in order; each returns the lines it prints. ── Hook for the jobs work: bench/market-pull.ts
 * exports `pullBench(context: MarketBenchContext): Promise<string[]>` (20 concurrent workers pulling
 * jobs: pulls/s, duplicates, p99); add it with one line below this list's first entry.
 */
const CASES: Array<(context: MarketBenchContext) => Promise<string[]>> = [
  ledgerBench,
  pullBench,
];

if (import.meta.main) {
  const scratch = await scratchDatabase();
  const stop = async () => {
    await scratch.drop().catch(() => undefined);
  };
  process.on("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    const context: MarketBenchContext = { databaseUrl: scratch.url, handle: scratch.handle, rounds: ROUNDS };
    for (const run of CASES) {
      for (const line of await run(context)) console.log(line);
      console.log("");
    }
  } finally {
    await stop();
  }
}
