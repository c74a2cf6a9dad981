/**
 * The time-to-first-byte client of `bun run bench:proxy`, in its own process: one streamed
 * Messages call at a time with fetch, `samples` per target, alternating between the targets so
 * drift in the machine's load falls on all alike; time from sending to the first body byte.
 * Plan in BENCH_TTFB_PLAN; prints one JSON line.
 */
import { LatencyHistogram } from "./histogram.ts";

export const TTFB_PLAN_ENV = "BENCH_TTFB_PLAN";

export interface TtfbTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface TtfbPlan {
  targets: TtfbTarget[];
  samples: number;
  warmup: number;
}

export interface TtfbResult {
  /** Per target, in plan order. */
  targets: { p50Ms: number; p99Ms: number; samples: number; failures: number }[];
}

export function isTtfbResult(value: unknown): value is TtfbResult {
  return typeof value === "object" && value !== null && Array.isArray((value as TtfbResult).targets);
}

async function firstByteMs(target: TtfbTarget): Promise<number | null> {
  const began = performance.now();
  const response = await fetch(target.url, { method: "POST", headers: { ...target.headers, "content-type": "application/json" }, body: target.body });
  const reader = response.body?.getReader();
  const first = await reader?.read();
  const elapsed = performance.now() - began;
  while (reader && !(await reader.read()).done) {
    // Drained, so the connection is reused.
  }
  return response.ok && first && !first.done ? elapsed : null;
}

if (import.meta.main) {
  const raw = process.env[TTFB_PLAN_ENV];
  if (!raw) throw new Error(`${TTFB_PLAN_ENV} is not set; bench/proxy.ts starts this`);
  const plan = JSON.parse(raw) as TtfbPlan;
  const histograms = plan.targets.map(() => new LatencyHistogram());
  const failures = plan.targets.map(() => 0);
  for (let i = 0; i < plan.warmup + plan.samples; i++) {
    for (const [index, target] of plan.targets.entries()) {
      const ms = await firstByteMs(target);
      if (i < plan.warmup) continue;
      if (ms === null) failures[index] = (failures[index] ?? 0) + 1;
      else histograms[index]?.record(ms);
    }
  }
  const result: TtfbResult = {
    targets: histograms.map((h, i) => ({ p50Ms: h.quantile(0.5), p99Ms: h.quantile(0.99), samples: h.count, failures: failures[i] ?? 0 })),
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}
