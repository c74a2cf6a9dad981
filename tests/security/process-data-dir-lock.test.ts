import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

/**
 * The DATA_DIR lock between real processes (no server, so it is quick): a live holder refuses
 * everyone else, and a dead holder's lock goes to exactly one of several processes racing for it.
 */
const LOCK_MODULE = join(import.meta.dir, "../../src/platform/data-dir-lock.ts");

/** Takes the lock, prints `locked` or `refused <pid>`, and holds it until killed. */
const CONTENDER = `
import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)};
try {
  lockDataDir(process.env.LOCK_DIR);
  console.log("locked");
  setInterval(() => {}, 1_000);
} catch (error) {
  console.log("refused " + (error.holderPid ?? error.message));
  process.exit(3);
}
`;

const procs: Subprocess<"ignore", "pipe", "pipe">[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const proc of procs.splice(0)) proc.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function lockDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "agent-cloud-lock-"));
  dirs.push(dir);
  return dir;
}

function contender(dir: string) {
  const proc = Bun.spawn([process.execPath, "-e", CONTENDER], { env: { PATH: process.env.PATH ?? "", LOCK_DIR: dir }, stdout: "pipe", stderr: "pipe" });
  procs.push(proc);
  const reader = proc.stdout.getReader();
  // The first line says how it went; the winner keeps running.
  const verdict = (async () => {
    let text = "";
    while (!text.includes("\n")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    return text.trim();
  })();
  return { proc, verdict };
}

async function deadPid(): Promise<number> {
  const proc = Bun.spawn(["true"]);
  await proc.exited;
  return proc.pid;
}

describe("the DATA_DIR lock between processes", () => {
  test("a live holder refuses the next process, naming its PID", async () => {
    const dir = lockDir();
    const holder = contender(dir);
    expect(await holder.verdict).toBe("locked");
    const next = contender(dir);
    expect(await next.verdict).toBe(`refused ${holder.proc.pid}`);
    expect(await next.proc.exited).toBe(3);
    expect(readFileSync(join(dir, "server.lock"), "utf8").trim()).toBe(String(holder.proc.pid));
  }, 30_000);

  test("a dead holder's lock goes to exactly one of several processes starting at once", async () => {
    const dir = lockDir();
    writeFileSync(join(dir, "server.lock"), `${await deadPid()}\n`);
    const racers = Array.from({ length: 6 }, () => contender(dir));
    const verdicts = await Promise.all(racers.map((r) => r.verdict));
    const winners = racers.filter((_, i) => verdicts[i] === "locked");
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    for (const verdict of verdicts) if (verdict !== "locked") expect(verdict).toBe(`refused ${winner.proc.pid}`);
    expect(readFileSync(join(dir, "server.lock"), "utf8").trim()).toBe(String(winner.proc.pid));
  }, 30_000);

  test("an empty lock file (a holder that died before writing its PID) does not block", async () => {
    const dir = lockDir();
    writeFileSync(join(dir, "server.lock"), "");
    const next = contender(dir);
    expect(await next.verdict).toBe("locked");
  }, 30_000);
});
