/**
 * `bun run bench`: each server in its own subprocess, the load generator in another, one case at a
 * time, on 127.0.0.1; prints req/s, latency and the ratio to a bare Bun.serve measured in the same
 * run. See bench/README.md. Exit code 0 whatever the figures (speed is measured here, never
 * asserted); 1 only if a server would not start.
 */
import { availableParallelism } from "node:os";
import { prepareBackend } from "./backend.ts";
import { CASES, TRPC_BATCH_CALLS, TRPC_BATCH_PATH, type BenchCase, type ServerSpec } from "./cases.ts";
import type { LoadPlan, LoadResult } from "./load-result.ts";
import { snapshotCpu, splitCpu, type CpuSplit } from "./machine-load.ts";
import { readBenchOptions } from "./options.ts";
import { runLoad, startServer, type ServerProcess } from "./processes.ts";
import { renderReport } from "./report.ts";
import { profileFlags, serverEnv } from "./server-env.ts";
import { seedApiKey } from "./seed.ts";
import { summarize, type CaseCpu, type CaseRun, type CaseSummary } from "./summary.ts";
import { batchedQueryPath } from "./trpc-batch-url.ts";

/** Distinct X-Forwarded-For addresses: enough that no address nears a per-IP limit (100/min). */
const CLIENT_ADDRESSES = 65_536;

const options = readBenchOptions();
const batchPath = await batchedQueryPath("health.compute", TRPC_BATCH_CALLS);
const selected = CASES.filter((c) => c.id === "bare" || !options.only || c.id.includes(options.only)).map((c) =>
  c.path === TRPC_BATCH_PATH ? { ...c, path: batchPath } : c,
);
const groups = new Map<ServerSpec, BenchCase[]>();
for (const c of selected) groups.set(c.server, [...(groups.get(c.server) ?? []), c]);
const log = (line: string) => process.stderr.write(line + "\n");

log(
  `agent-cloud bench: ${availableParallelism()} cores, Bun ${Bun.version}, ${options.connections} connections, ` +
    `${options.warmupSeconds}s warm-up + ${options.seconds}s per case, ${options.rounds} round(s), ` +
    `database ${options.databaseUrl ? "PostgreSQL (scratch database)" : "PGlite (temp dir)"}`,
);

const backend = await prepareBackend(options.databaseUrl);
// One user and API key for the authenticated cases, before any server opens the database.
const apiKey = selected.some((c) => c.apiKey) ? await seedApiKey(backend) : undefined;
let current: ServerProcess | undefined;
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await current?.stop();
    await backend.dispose();
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));
}

const plan = (url: string, seconds: number, benchCase: BenchCase): LoadPlan => ({
  url,
  connections: options.connections,
  warmupSeconds: options.warmupSeconds,
  seconds,
  forwardedFor: CLIENT_ADDRESSES,
  headers: benchCase.apiKey && apiKey ? { authorization: `Bearer ${apiKey}` } : {},
});

const runs = new Map<string, CaseRun[]>();
const failures: string[] = [];
try {
  for (let round = 1; round <= options.rounds; round++) {
    for (const [server, cases] of groups) {
      const env = serverEnv(server, cases.length, backend, options);
      try {
        current = await startServer(server.script, env, 180_000, profileFlags(options.cpuProfileDir, `${server.id}-${backend.kind}-r${round}`));
      } catch (error) {
        failures.push(`${server.id}: ${error instanceof Error ? error.message : String(error)}`);
        log(`  [round ${round}] ${server.id} did not start; its cases are skipped:\n${failures.at(-1)}`);
        continue;
      }
      // Settle: every route of this server once before anything is measured (JIT, lazy route compilation, start-up garbage).
      for (const benchCase of cases) await runLoad(plan(current.url + benchCase.path, options.warmupSeconds, benchCase));
      for (const benchCase of cases) {
        const before = snapshotCpu();
        const began = performance.now();
        const load = await runLoad(plan(current.url + benchCase.path, options.seconds, benchCase));
        const split = splitCpu(before, snapshotCpu(), current.pid, backend.kind === "postgres");
        const run: CaseRun = { round, load, cpu: caseCpu(split, load, (performance.now() - began) / 1000) };
        runs.set(benchCase.id, [...(runs.get(benchCase.id) ?? []), run]);
        log(progressLine(benchCase, run));
        if (options.verbose) log(`    first response:\n${load.sample.replaceAll("\r", "").replace(/^/gm, "    | ")}`);
      }
      await current.stop();
      current = undefined;
    }
  }
} finally {
  await cleanup();
}

const summaries = selected.map((c) => summarize(c, runs.get(c.id) ?? [])).filter((s): s is CaseSummary => s !== undefined);
console.log(`\nagent-cloud bench, ${new Date().toISOString().slice(0, 10)}: backend ${backend.kind}, ${availableParallelism()} cores`);
console.log(renderReport(summaries, { backend: backend.kind }));
process.exit(failures.length > 0 ? 1 : 0);

function caseCpu(split: CpuSplit | undefined, load: LoadResult, seconds: number): CaseCpu | undefined {
  if (!split || load.totalResponses === 0) return undefined;
  return {
    serverUs: (split.server / load.totalResponses) * 1e6,
    postgresUs: (split.postgres / load.totalResponses) * 1e6,
    loadgenUs: (load.cpuSeconds / load.totalResponses) * 1e6,
    otherCores: split.other / seconds,
  };
}

function progressLine(benchCase: BenchCase, { round, load: r, cpu }: CaseRun): string {
  const cpuText = cpu ? `  server ${Math.round(cpu.serverUs)} µs/req  other CPU ${cpu.otherCores.toFixed(2)}` : "";
  const flags = r.non2xx > 0 || r.errors > 0 ? `  non-2xx ${r.non2xx}, errors ${r.errors}; first response:\n${r.sample}` : "";
  return `  [round ${round}] ${benchCase.id.padEnd(15)} ${Math.round(r.requestsPerSecond).toString().padStart(7)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms${cpuText}${flags}`;
}
