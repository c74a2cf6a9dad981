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

/** Issue 11's targets: a case's throughput over its floor's (a batch counts its calls), at least `min`. */
const FLOOR_TARGETS: readonly { label: string; id: string; min: number }[] = [
  { label: "1. rest-health ÷ floor-health", id: "rest-health", min: 0.8 },
  { label: "   rest-v1-health ÷ floor-health", id: "rest-v1-health", min: 0.75 },
  { label: "2. rest-me ÷ floor-me", id: "rest-me", min: 0.7 },
  { label: "3. trpc-health ÷ floor-health", id: "trpc-health", min: 0.6 },
  { label: "   trpc-batch × 10 ÷ floor-health", id: "trpc-batch", min: 0.6 },
];
/** Target 4: the cost of 200 procedures against 10, per path. */
const SCALE_PAIRS: readonly { label: string; p10: string; p200: string }[] = [
  { label: "REST /health", p10: "p10-health", p200: "p200-health" },
  { label: "REST synthetic", p10: "p10-synthetic", p200: "p200-synthetic" },
  { label: "tRPC", p10: "p10-trpc", p200: "p200-trpc" },
];
const MAX_SCALE_COST = 0.1;

/** A batch's long query string would swamp the table: the path and the number of calls. */
function displayPath(path: string): string {
  const batch = /^\/trpc\/([^,?]+)((?:,[^,?]+)*)\?batch=1/.exec(path);
  if (!batch) return path;
  return `/trpc/${batch[1]} ×${batch[2] ? batch[2].split(",").length : 1} batch`;
}

export function renderReport(summaries: CaseSummary[], context: ReportContext): string {
  const byId = new Map(summaries.map((s) => [s.benchCase.id, s]));
  const ratio = (a: string, b: string) => pairedRatio(byId.get(a), byId.get(b));
  /** Throughput over the case's floor, a batch's requests counted as the floor requests they stand for. */
  const ofFloor = (id: string) => {
    const floor = byId.get(id)?.benchCase.floor;
    const r = floor ? ratio(id, floor.id) : undefined;
    return r === undefined || !floor ? undefined : r * floor.requests;
  };
  const floorUs = (summary: CaseSummary) => {
    const floor = summary.benchCase.floor;
    const us = floor ? byId.get(floor.id)?.median.cpu?.serverUs : undefined;
    return us === undefined || !floor ? undefined : us * floor.requests;
  };
  const rows: string[][] = [
    ["case", "GET", "req/s", "p50 ms", "p99 ms", "vs bare", "vs floor", "server µs/req", "floor µs/req", "+µs", "pg µs/req", "loadgen µs/req", "non-2xx", "errors", "other CPU"],
  ];
  for (const summary of summaries) {
    const { load, cpu } = summary.median;
    const floor = floorUs(summary);
    rows.push([
      summary.benchCase.id,
      displayPath(summary.benchCase.path),
      fmtInt(load.requestsPerSecond),
      load.p50Ms.toFixed(2),
      load.p99Ms.toFixed(2),
      orNa(ratio(summary.benchCase.id, BASELINE_ID), pct),
      summary.benchCase.floor ? orNa(ofFloor(summary.benchCase.id), (r) => r.toFixed(2)) : "",
      orNa(cpu?.serverUs, fmtInt),
      summary.benchCase.floor ? orNa(floor, fmtInt) : "",
      summary.benchCase.floor && cpu && floor !== undefined ? fmtInt(cpu.serverUs - floor) : "",
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
  lines.push("vs floor: req/s over the floor case's (same database work, no framework; a batch of 10 over 10 floor requests);");
  lines.push("floor µs/req: the floor's server CPU for the same work (× 10 for a batch); +µs: what the platform adds.");
  const busy = summaries.filter((s) => s.runs.some((r) => (r.cpu?.otherCores ?? 0) > BUSY_CORES)).map((s) => s.benchCase.id);
  if (busy.length > 0) {
    lines.push(`Note: other processes used more than ${BUSY_CORES} cores in some round of ${busy.join(", ")}; expect noise.`);
  }

  const backendNote = context.backend === "postgres" ? "" : "  (this run is on PGlite; the targets are stated for PostgreSQL)";
  lines.push("", `Targets (issue 11; informational, speed is never asserted)${backendNote}:`);
  const verdict = (value: number, min: number) => (value >= min ? "PASS" : `short by ${(min - value).toFixed(2)}`);
  const width = Math.max(...FLOOR_TARGETS.map((t) => t.label.length)) + 8;
  for (const target of FLOOR_TARGETS) {
    const value = ofFloor(target.id);
    const head = `  ${target.label} ≥ ${target.min.toFixed(2)}:`.padEnd(width + 4);
    lines.push(`${head} ${orNa(value, (v) => `${v.toFixed(2)}  ${verdict(v, target.min)}`)}`);
  }
  const costs = SCALE_PAIRS.map((pair) => {
    const r = ratio(pair.p200, pair.p10);
    return { label: pair.label, cost: r === undefined ? undefined : 1 - r };
  });
  const measured = costs.map((c) => c.cost).filter((c): c is number => c !== undefined);
  const worst = measured.length === 0 ? undefined : Math.max(...measured);
  const scaleVerdict = worst === undefined ? "n/a" : worst < MAX_SCALE_COST ? "PASS" : `short by ${pct(worst - MAX_SCALE_COST)}`;
  lines.push(
    `  4. 10→200 procedures costs < 10% of throughput: ${costs.map((c) => `${c.label} ${orNa(c.cost, pct)}`).join(", ")}  ${scaleVerdict}`,
  );
  const restRead = ratio("rest-health", BASELINE_ID);
  const floorRead = ratio("floor-health", BASELINE_ID);
  if (restRead !== undefined) {
    lines.push(`  (for reference) rest-health ${pct(restRead)} of bare; floor-health ${orNa(floorRead, pct)} of bare`);
  }
  return lines.join("\n");
}
