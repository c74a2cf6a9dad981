import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

const LOCK_FILE = "server.lock";
const BREAK_FILE = "server.lock.break";

/** Another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holderPid: number,
  ) {
    super(
      `DATA_DIR ${dir} is in use by another process (pid ${holderPid}): two servers on one embedded database lose writes. ` +
        `Stop that process, or give this one another DATA_DIR. (If pid ${holderPid} is not an agent-cloud server, delete ${join(dir, LOCK_FILE)}.)`,
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still this process's; idempotent. */
  release(): void;
}

/** Lock files this process holds, so its own PID in a lock file is told apart from a previous run's. */
const held = new Set<string>();

/**
 * An exclusive lock on `dir`: `server.lock`, created with O_EXCL, holding this process's PID. A
 * lock whose PID no longer runs (a SIGKILLed or crashed holder) is stale and taken over, so only a
 * live holder refuses the start. The lock file is removed on release and at process exit.
 */
export function lockDataDir(dir: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(path)) return holdLock(path);
    const holder = readPid(path);
    if (holder === "missing") continue;
    if (holder === "unreadable" && attempt < 3) {
      // Possibly a holder between creating the file and writing its PID.
      Bun.sleepSync(20);
      continue;
    }
    if (holder !== "unreadable" && isLive(holder, path)) throw new DataDirLockedError(dir, holder);
    // Stale, or written by a holder that died between creating and writing it.
    breakStaleLock(dir, path, holder);
  }
  throw new Error(`Could not take the lock ${path}: it keeps changing hands`);
}

function holdLock(path: string): DataDirLock {
  held.add(path);
  const release = () => {
    if (!held.delete(path)) return;
    process.off("exit", release);
    if (readPid(path) === process.pid) unlinkSync(path);
  };
  process.on("exit", release);
  return { release };
}

function createExclusive(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if (codeOf(error) === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a stale lock. Two processes finding the same stale lock must not both remove it (the
 * second would remove the first one's fresh lock), so removal happens under a second O_EXCL file
 * and only while the lock still names the dead holder.
 */
function breakStaleLock(dir: string, path: string, staleHolder: number | "unreadable"): void {
  const breakPath = join(dir, BREAK_FILE);
  if (!createExclusive(breakPath)) {
    // Someone else is breaking it; if that someone died doing so, clear the way for the next attempt.
    const breaker = readPid(breakPath);
    if (typeof breaker === "number" && !isLive(breaker, breakPath)) unlinkQuietly(breakPath);
    Bun.sleepSync(50);
    return;
  }
  try {
    if (readPid(path) === staleHolder) unlinkQuietly(path);
  } finally {
    unlinkQuietly(breakPath);
  }
}

function isLive(pid: number, path: string): boolean {
  // Our own PID in a file we do not hold is a previous run's (a container's server is often pid 1 every time).
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return codeOf(error) === "EPERM";
  }
}

function readPid(path: string): number | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (codeOf(error) === "ENOENT") return "missing";
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : "unreadable";
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw error;
  }
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}
