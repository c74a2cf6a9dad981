import type { BenchCase } from "./cases.ts";
import type { LoadResult } from "./load-result.ts";

/** One case, one round: what the load generator measured and where the CPU went meanwhile. */
export interface CaseRun {
  round: number;
  load: LoadResult;
  /** Undefined where /proc is missing. */
  cpu: CaseCpu | undefined;
}

export interface CaseCpu {
  /** CPU time of the server process per response, microseconds. */
  serverUs: number;
  /** CPU time of PostgreSQL's processes per response, microseconds. */
  postgresUs: number;
  /** CPU time of the load generator per response, microseconds. */
  loadgenUs: number;
  /** Cores' worth of CPU other processes used meanwhile. */
  otherCores: number;
}

export interface CaseSummary {
  benchCase: BenchCase;
  /** The median round by req/s; the table's absolute figures come from it. */
  median: CaseRun;
  runs: CaseRun[];
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(benchCase: BenchCase, runs: CaseRun[]): CaseSummary | undefined {
  const sorted = [...runs].sort((a, b) => a.load.requestsPerSecond - b.load.requestsPerSecond);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  return mid ? { benchCase, median: mid, runs } : undefined;
}

/**
 * Throughput of `a` over `b`, paired by round (the two ran minutes apart at most, so slow drift in
 * the machine's load cancels), then the median over rounds.
 */
export function pairedRatio(a: CaseSummary | undefined, b: CaseSummary | undefined): number | undefined {
  if (!a || !b) return undefined;
  const ratios: number[] = [];
  for (const run of a.runs) {
    const other = b.runs.find((r) => r.round === run.round);
    if (other && other.load.requestsPerSecond > 0) ratios.push(run.load.requestsPerSecond / other.load.requestsPerSecond);
  }
  return median(ratios);
}
