import { readdirSync, readFileSync } from "node:fs";

/**
 * Per-process CPU ticks from /proc (Linux; elsewhere undefined): what the server and PostgreSQL
 * spend per request, and how busy other work kept the machine while a case ran, so a noisy figure
 * can be recognised.
 */
export type CpuSnapshot = Map<number, { comm: string; ticks: number }> | undefined;

const TICKS_PER_SECOND = 100;

export function snapshotCpu(): CpuSnapshot {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const snapshot = new Map<number, { comm: string; ticks: number }>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      // After the command: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
      snapshot.set(Number(pid), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we looked.
    }
  }
  return snapshot;
}

/**
 * CPU seconds used between two snapshots: by the server under test, by PostgreSQL (when the run
 * uses it; any other PostgreSQL work on the machine then counts as ours), by everything else.
 */
export interface CpuSplit {
  server: number;
  postgres: number;
  /** Other processes (not the runner, the load generator or the server): other people's work. */
  other: number;
}

/**
 * Splits the CPU used between two snapshots. The load generator must have started after `before`
 * and ended before `after`, so it appears in neither; a process seen only in `after` started
 * meanwhile and counts whole.
 */
export function splitCpu(
  before: CpuSnapshot,
  after: CpuSnapshot,
  serverPid: number,
  postgresIsOurs: boolean,
): CpuSplit | undefined {
  if (!before || !after) return undefined;
  const ours = new Set([process.pid, process.ppid]);
  const split: CpuSplit = { server: 0, postgres: 0, other: 0 };
  for (const [pid, now] of after) {
    if (ours.has(pid)) continue;
    const then = before.get(pid);
    const ticks = then && then.comm === now.comm ? Math.max(0, now.ticks - then.ticks) : now.ticks;
    const seconds = ticks / TICKS_PER_SECOND;
    if (pid === serverPid) split.server += seconds;
    else if (postgresIsOurs && now.comm === "postgres") split.postgres += seconds;
    else split.other += seconds;
  }
  return split;
}
