/** The sessions benchmark's tables: exact quantiles over the recorded samples, bare next to platform. */
import type { FanoutResult, LifecycleResult, LifecycleSample } from "./sessions-plan.ts";

/** Nearest-rank quantile of `values` (need not be sorted); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))] as number;
}

const ms = (value: number) => (Number.isNaN(value) ? "—" : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const pad = (text: string, width: number) => text.padStart(width);
const WIDTH = 29;

export interface LifecyclePhase {
  concurrency: number;
  bare: LifecycleResult;
  platform: LifecycleResult;
  /** Server (and PostgreSQL) CPU time per measured platform session, ms; undefined without /proc. */
  serverCpuMs: number | undefined;
  postgresCpuMs: number | undefined;
  /** Cores' worth of CPU other processes (other people's work) used meanwhile. */
  otherCores: number | undefined;
}

/** `stamped` rows read the server's `at`, which the bare server has nothing to compare with. */
const LIFECYCLE_STEPS: { label: string; stamped?: boolean; pick: (s: LifecycleSample) => number | undefined }[] = [
  { label: "POST round trip", pick: (s) => s.post },
  { label: "POST → redroid_starting `at`", stamped: true, pick: (s) => s.startingStamped },
  { label: "POST → redroid_starting recv", pick: (s) => s.starting },
  { label: "POST → active `at`", stamped: true, pick: (s) => s.activeStamped },
  { label: "POST → active received", pick: (s) => s.active },
  { label: "DELETE round trip", pick: (s) => s.delete },
];

export function renderLifecycle(phase: LifecyclePhase): string {
  const { bare, platform } = phase;
  const rate = platform.samples.length / platform.seconds;
  const cpu =
    phase.serverCpuMs === undefined
      ? ""
      : `; CPU per session ${phase.serverCpuMs.toFixed(1)} ms server${phase.postgresCpuMs ? ` + ${phase.postgresCpuMs.toFixed(1)} ms PostgreSQL` : ""}`;
  const other = phase.otherCores === undefined ? "" : `; other CPU ${phase.otherCores.toFixed(2)} cores`;
  const lines = [
    `concurrency ${phase.concurrency}: ${platform.samples.length} sessions in ${platform.seconds.toFixed(1)} s (${rate.toFixed(0)}/s)${cpu}${other}; ` +
      `failures: platform ${platform.failures}, bare ${bare.failures}`,
    `  ${"ms from just before request".padEnd(WIDTH)} ${pad("bare p50", 9)} ${pad("p90", 6)} ${pad("p99", 6)} ${pad("max", 6)}  ${pad("platform p50", 12)} ${pad("p90", 6)} ${pad("p99", 6)} ${pad("max", 6)}  ${pad("+p50", 6)} ${pad("×p50", 6)}`,
  ];
  for (const step of LIFECYCLE_STEPS) {
    const b = step.stamped ? [] : values(bare.samples, step.pick);
    const p = values(platform.samples, step.pick);
    if (p.length === 0) continue;
    const [b50, p50] = [quantile(b, 0.5), quantile(p, 0.5)];
    lines.push(
      `  ${step.label.padEnd(WIDTH)} ${pad(ms(b50), 9)} ${pad(ms(quantile(b, 0.9)), 6)} ${pad(ms(quantile(b, 0.99)), 6)} ${pad(ms(b.length ? Math.max(...b) : Number.NaN), 6)}  ` +
        `${pad(ms(p50), 12)} ${pad(ms(quantile(p, 0.9)), 6)} ${pad(ms(quantile(p, 0.99)), 6)} ${pad(ms(Math.max(...p)), 6)}  ` +
        `${pad(ms(p50 - b50), 6)} ${pad(b.length ? `${(p50 / b50).toFixed(0)}×` : "—", 6)}`,
    );
  }
  for (const [who, result] of [["platform", platform], ["bare", bare]] as const) {
    for (const message of result.failureMessages) lines.push(`  ${who} failure: ${message}`);
  }
  return lines.join("\n");
}

function values(samples: LifecycleSample[], pick: (s: LifecycleSample) => number | undefined): number[] {
  return samples.map(pick).filter((v): v is number => v !== undefined);
}

/** One fan-out round as the runner saw it: the client's result, and other people's CPU meanwhile. */
export type FanoutRound = FanoutResult & { otherCores: number | undefined };

/** Rounds pooled: every subscriber of every round is one sample. */
export function renderFanout(bare: FanoutRound[], platform: FanoutRound[], trpc: number): string {
  const pool = (results: FanoutRound[], pick: (r: FanoutRound) => number[]) => results.flatMap(pick);
  const sum = (results: FanoutRound[], pick: (r: FanoutRound) => number) => results.reduce((total, r) => total + pick(r), 0);
  const triple = (list: number[]) => `${ms(quantile(list, 0.5))} / ${ms(quantile(list, 0.99))} / ${ms(list.length ? Math.max(...list) : Number.NaN)}`;
  const mean = (results: FanoutRound[], pick: (r: FanoutRound) => number | undefined) => {
    const list = results.map(pick).filter((v): v is number => v !== undefined);
    return list.length ? list.reduce((a, b) => a + b, 0) / list.length : Number.NaN;
  };
  const rows: [string, (r: FanoutRound[]) => string][] = [
    ["received `ended` / subscribed", (r) => `${sum(r, (x) => x.fromAtMs.length)} / ${sum(r, (x) => x.subscribers)}`],
    ["refused or broken before trigger", (r) => String(sum(r, (x) => x.refused))],
    ["from `at` p50 / p99 / max ms", (r) => triple(pool(r, (x) => x.fromAtMs))],
    ["from DELETE sent p50 / p99 / max", (r) => triple(pool(r, (x) => x.fromTriggerMs))],
    ...(trpc > 0 ? ([["  tRPC streams only, from `at`", (r: FanoutRound[]) => triple(pool(r, (x) => x.trpcFromAtMs))]] as [string, (r: FanoutRound[]) => string][]) : []),
    ["DELETE round trip (mean) ms", (r) => ms(mean(r, (x) => x.triggerMs))],
    ["client CPU, DELETE → all received", (r) => `${ms(mean(r, (x) => x.cpuSeconds * 1000))} ms`],
    ["subscribe p50 / p99 / max ms", (r) => triple(pool(r, (x) => x.subscribeMs))],
    ["all subscribed in (mean) ms", (r) => ms(mean(r, (x) => x.connectAllMs))],
    ["idle: server CPU, cores", (r) => mean(r, (x) => x.idleServerCores).toFixed(3)],
    ["idle: PostgreSQL CPU, cores", (r) => mean(r, (x) => x.idlePostgresCores).toFixed(3)],
    ["client clock − wall clock ms", (r) => mean(r, (x) => x.clockOffsetMs).toFixed(2)],
    ["other CPU during the rounds, cores", (r) => mean(r, (x) => x.otherCores).toFixed(2)],
  ];
  const width = 34;
  const lines = [`  ${"".padEnd(width)} ${pad("bare", 22)} ${pad("platform", 22)}`];
  for (const [label, cell] of rows) lines.push(`  ${label.padEnd(width)} ${pad(cell(bare), 22)} ${pad(cell(platform), 22)}`);
  for (const result of [...platform, ...bare]) for (const message of result.refusalMessages) lines.push(`  refused: ${message}`);
  return lines.join("\n");
}
