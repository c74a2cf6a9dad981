import { BASELINE_ID } from "./cases.ts";
import { pairedRatio, type CaseSummary } from "./summary.ts";

/** Other work above this many cores during a case makes its figure suspect on a 2-core machine. */
const BUSY_CORES = 0.25;

export interface ReportContext {
  /** The REST read target is stated for PostgreSQL; a PGlite run says so next to it. */
  backend: "pglite" | "postgres";
}

const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const orNa = <T>(value: T | undefined, format: (v: T) => string) => (value === undefined ? "n/a" : format(value));

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length))) ?? [];
  return rows
    .map((r) => r.map((cell, col) => (col <= 1 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join("  "))
    .join("\n");
}

export function renderReport(summaries: CaseSummary[], context: ReportContext): string {
  const byId = new Map(summaries.map((s) => [s.benchCase.id, s]));
  const ratio = (a: string, b: string) => pairedRatio(byId.get(a), byId.get(b));
  const rows: string[][] = [
    ["case", "GET", "req/s", "p50 ms", "p99 ms", "vs bare", "server µs/req", "pg µs/req", "loadgen µs/req", "non-2xx", "errors", "other CPU"],
  ];
  for (const summary of summaries) {
    const { load, cpu } = summary.median;
    rows.push([
      summary.benchCase.id,
      summary.benchCase.path,
      fmtInt(load.requestsPerSecond),
      load.p50Ms.toFixed(2),
      load.p99Ms.toFixed(2),
      orNa(ratio(summary.benchCase.id, BASELINE_ID), pct),
      orNa(cpu?.serverUs, fmtInt),
      orNa(cpu?.postgresUs, fmtInt),
      orNa(cpu?.loadgenUs, fmtInt),
      String(load.non2xx),
      String(load.errors),
      orNa(cpu?.otherCores, (v) => v.toFixed(2)),
    ]);
  }
  const lines = [table(rows), ""];
  const rounds = Math.max(...summaries.map((s) => s.runs.length));
  lines.push(`req/s, latency and CPU: the median round of ${rounds}; ratios: the median of per-round ratios.`);
  const busy = summaries.filter((s) => s.runs.some((r) => (r.cpu?.otherCores ?? 0) > BUSY_CORES)).map((s) => s.benchCase.id);
  if (busy.length > 0) {
    lines.push(`Note: other processes used more than ${BUSY_CORES} cores in some round of ${busy.join(", ")}; expect noise.`);
  }

  const healthScale = ratio("p200-health", "p10-health");
  const syntheticScale = ratio("p200-synthetic", "p10-synthetic");
  const times = (r: number) => `${r.toFixed(3)}×`;
  lines.push(`200 vs 10 procedures (req/s, 200/10): /health ${orNa(healthScale, times)}, synthetic route ${orNa(syntheticScale, times)}`);
  lines.push("", "Targets (informational; speed is never asserted):");

  const restRead = ratio("rest-health", BASELINE_ID);
  const readVerdict = orNa(restRead, (r) => (r >= 0.25 ? "PASS" : "MISS"));
  const backendNote = context.backend === "postgres" ? "" : "  (this run is on PGlite; the target is stated for PostgreSQL)";
  lines.push(`  REST database read ≥ 25% of bare Bun.serve (PostgreSQL): ${orNa(restRead, pct)}  ${readVerdict}${backendNote}`);
  // The same read with no framework at all: how much of the gap to bare is the database round trip itself.
  const floorRead = ratio("floor-health", BASELINE_ID);
  const ofFloor = ratio("rest-health", "floor-health");
  if (floorRead !== undefined) {
    lines.push(`    floor (bare Bun.serve + the same health service, no framework): ${pct(floorRead)} of bare; the REST read is ${orNa(ofFloor, pct)} of the floor`);
  }

  const costs = [healthScale, syntheticScale].filter((r): r is number => r !== undefined).map((r) => 1 - r);
  const scaleVerdict = costs.length === 0 ? "n/a" : Math.max(...costs) < 0.1 ? "PASS" : "MISS";
  const cost = (r: number | undefined) => orNa(r, (v) => pct(1 - v));
  lines.push(
    `  10→200 procedures costs < 10% of REST throughput: /health ${cost(healthScale)}, synthetic ${cost(syntheticScale)}  ${scaleVerdict}`,
  );
  return lines.join("\n");
}
