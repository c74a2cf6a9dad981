/**
 * `bun run bench:sessions`: the platform's own overhead on the cloud Android session path, next to
 * a bare Bun.serve answering the same requests, each server in its own subprocess, the client in
 * another. See bench/README.md, "Sessions".
 *
 * 1. Lifecycle: per session, POST /api/sessions → the `redroid_starting` (and `active`) event on
 *    GET /api/sessions/:id/stream, opened right after the POST answers (events replay from
 *    history, so nothing is missed) → DELETE. One user per session, made over the API.
 * 2. Fan-out: one session, 1,000 SSE subscribers, DELETE, and how long `ended` takes to reach each.
 *
 * Exit code 0 whatever the figures; 1 if a server would not start or a client failed.
 */
import { availableParallelism } from "node:os";
import { prepareBackend } from "./backend.ts";
import { snapshotCpu, splitCpu } from "./machine-load.ts";
import { runChild, startServer, type ServerProcess } from "./processes.ts";
import { benchServerEnv, profileFlags } from "./server-env.ts";
import { readSessionsOptions } from "./sessions-options.ts";
import { isClientResult, SESSIONS_PLAN_ENV, type ClientPlan, type FanoutPlan, type FanoutResult, type LifecyclePlan, type LifecycleResult } from "./sessions-plan.ts";
import { quantile, renderFanout, renderLifecycle, type FanoutRound, type LifecyclePhase } from "./sessions-report.ts";
import { createUsers } from "./sessions-users.ts";

const options = readSessionsOptions();
const log = (line: string) => process.stderr.write(line + "\n");
const lifecycleOn = options.only !== "fanout";
const fanoutOn = options.only !== "lifecycle";

log(
  `agent-cloud sessions bench: ${availableParallelism()} cores, Bun ${Bun.version}, ` +
    `database ${options.databaseUrl ? "PostgreSQL (scratch database)" : "PGlite (temp dir)"}, simulated devices; ` +
    (lifecycleOn ? `lifecycle ${options.sessions} sessions at concurrency ${options.concurrency.join(", ")}; ` : "") +
    (fanoutOn ? `fan-out ${options.subscribers} subscribers (${options.trpcSubscribers} tRPC) × ${options.rounds} rounds` : "fan-out skipped"),
);

const backend = await prepareBackend(options.databaseUrl);
const servers: ServerProcess[] = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await backend.dispose();
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));
}

const platformEnv = {
  ...benchServerEnv(backend.env, 0, 3600),
  // Users sign up over the API: without a mailer the magic token comes back, outside production only.
  NODE_ENV: "development",
  SMTP_URL: "",
  CONTAINER_DRIVER: "simulator",
  // Capacity is not what is measured; every session is ended before its user starts another.
  DEVICE_CAPACITY: "1000",
  // The fan-out's subscribers are all one user's.
  SESSION_STREAMS_PER_USER: String(options.subscribers),
};

const phases: LifecyclePhase[] = [];
const bareFanout: FanoutRound[] = [];
const platformFanout: FanoutRound[] = [];
let failed = false;
try {
  const bare = await startServer("sessions-serve-bare.ts", { ...process.env, BENCH_MAX_LIFETIME_S: "3600" }, 30_000);
  servers.push(bare);
  const profile = profileFlags(process.env.BENCH_CPU_PROF, `sessions-${backend.kind}`);
  const platform = await startServer("serve-platform.ts", platformEnv, 180_000, profile);
  servers.push(platform);

  const userCount = (lifecycleOn ? options.sessions + options.warmup : 0) + (fanoutOn ? options.rounds : 0);
  const began = performance.now();
  const keys = await createUsers(platform.url, userCount, "user");
  log(`  ${userCount} users made over the API (signup → verify → apiKeys.create) in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const measuredKeys = lifecycleOn ? keys.slice(0, options.sessions) : [];
  const warmupKeys = lifecycleOn ? keys.slice(options.sessions, options.sessions + options.warmup) : [];
  const fanoutKeys = keys.slice(userCount - (fanoutOn ? options.rounds : 0));

  if (lifecycleOn) {
    for (const concurrency of options.concurrency) {
      const plan = (url: string): LifecyclePlan => ({
        mode: "lifecycle",
        url,
        keys: measuredKeys,
        warmupKeys,
        concurrency,
      });
      const bareResult = (await runClient(plan(bare.url))) as LifecycleResult;
      const before = snapshotCpu();
      const startedAt = performance.now();
      const platformResult = (await runClient(plan(platform.url))) as LifecycleResult;
      const cpu = splitCpu(before, snapshotCpu(), platform.pid, options.databaseUrl !== undefined);
      // The client's warm-up ran inside the same window: divide by every session it started.
      const sessions = options.sessions + options.warmup;
      const phase: LifecyclePhase = {
        concurrency,
        bare: bareResult,
        platform: platformResult,
        serverCpuMs: cpu && (cpu.server * 1000) / sessions,
        postgresCpuMs: cpu && options.databaseUrl ? (cpu.postgres * 1000) / sessions : undefined,
        otherCores: cpu && cpu.other / ((performance.now() - startedAt) / 1000),
      };
      phases.push(phase);
      log(renderLifecycle(phase));
    }
  }

  if (fanoutOn) {
    for (let round = 1; round <= options.rounds; round++) {
      const plan = (server: ServerProcess): FanoutPlan => ({
        mode: "fanout",
        url: server.url,
        key: fanoutKeys[round - 1] as string,
        subscribers: options.subscribers,
        trpc: options.trpcSubscribers,
        connectBatch: 50,
        idleSeconds: options.idleSeconds,
        serverPid: server.pid,
        postgres: options.databaseUrl !== undefined,
      });
      const b = await measured(plan(bare), bare.pid);
      const p = await measured(plan(platform), platform.pid);
      bareFanout.push(b);
      platformFanout.push(p);
      log(`  [fan-out round ${round}] ${renderFanoutLine("bare", b)}\n  [fan-out round ${round}] ${renderFanoutLine("platform", p)}`);
    }
  }
} catch (error) {
  failed = true;
  log(`sessions bench failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanup();
}

const date = new Date().toISOString().slice(0, 10);
console.log(`\nagent-cloud sessions bench, ${date}: backend ${backend.kind}, ${availableParallelism()} cores, simulated devices`);
if (phases.length > 0) {
  console.log(`\nPOST /api/sessions → SSE events → DELETE, ${options.sessions} sessions per row (one user each), after ${options.warmup} warm-up sessions`);
  for (const phase of phases) console.log(renderLifecycle(phase));
}
if (platformFanout.length > 0) {
  console.log(
    `\nSSE fan-out: ${options.subscribers} subscribers of one session (${options.subscribers - options.trpcSubscribers} REST, ${options.trpcSubscribers} tRPC), ` +
      `one user; DELETE → \`ended\`; ${options.rounds} round(s) pooled`,
  );
  console.log(renderFanout(bareFanout, platformFanout, options.trpcSubscribers));
}
process.exit(failed ? 1 : 0);

function renderFanoutLine(who: string, r: FanoutRound): string {
  const at = (q: number) => quantile(r.fromAtMs, q).toFixed(2);
  return (
    `${who.padEnd(8)} received ${r.fromAtMs.length}/${r.subscribers}, refused ${r.refused}; from at p50 ${at(0.5)} p99 ${at(0.99)} ms; ` +
    `subscribed all in ${r.connectAllMs.toFixed(0)} ms; idle server ${r.idleServerCores?.toFixed(3) ?? "?"} cores; other CPU ${r.otherCores?.toFixed(2) ?? "?"} cores`
  );
}

/** A fan-out round, with how busy other people's work kept the machine meanwhile. */
async function measured(plan: FanoutPlan, serverPid: number): Promise<FanoutRound> {
  const before = snapshotCpu();
  const began = performance.now();
  const result = (await runClient(plan)) as FanoutResult;
  const cpu = splitCpu(before, snapshotCpu(), serverPid, plan.postgres);
  return { ...result, otherCores: cpu && cpu.other / ((performance.now() - began) / 1000) };
}

/** Runs the client in its own process; returns its result. */
function runClient(plan: ClientPlan): Promise<LifecycleResult | FanoutResult> {
  const matches = (value: unknown): value is LifecycleResult | FanoutResult => isClientResult(value) && value.mode === plan.mode;
  return runChild("sessions-client.ts", SESSIONS_PLAN_ENV, plan, 15 * 60_000, matches, `sessions client (${plan.mode})`);
}
