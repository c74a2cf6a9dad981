import { join } from "node:path";
import { READY_PREFIX } from "./lifeline.ts";
import { isLoadResult, LOAD_PLAN_ENV, type LoadPlan, type LoadResult } from "./load-result.ts";

const HERE = import.meta.dir;
type Env = Record<string, string | undefined>;

export interface ServerProcess {
  url: string;
  pid: number;
  /** The last lines the server printed (for a report when something goes wrong). */
  recentOutput(): string[];
  stop(): Promise<void>;
}

/** Spawns `bench/<script>`, waits for its ready line, and keeps draining its stdout. */
export async function startServer(
  script: string,
  env: Env,
  readyTimeoutMs: number,
  bunFlags: readonly string[] = [],
): Promise<ServerProcess> {
  const proc = Bun.spawn([process.execPath, ...bunFlags, "run", join(HERE, script)], {
    env,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
  };
  let onReady: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (onReady = resolve));
  void readLines(proc.stdout, (line) => {
    if (line.startsWith(READY_PREFIX)) onReady(line.slice(READY_PREFIX.length).trim());
    else remember(line);
  });
  void readLines(proc.stderr, remember);

  const stop = async () => {
    try {
      proc.stdin.end();
    } catch {
      // Already closed.
    }
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(15_000).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  };

  const outcome = await Promise.race([
    ready.then((url) => ({ url })),
    proc.exited.then((code) => ({ error: `exited with code ${code} before it was ready` })),
    Bun.sleep(readyTimeoutMs).then(() => ({ error: `not ready after ${readyTimeoutMs} ms` })),
  ]);
  if ("error" in outcome) {
    await stop();
    await Bun.sleep(50);
    throw new Error(`${script} ${outcome.error}:\n${recent.join("\n")}`);
  }
  return { url: outcome.url, pid: proc.pid, recentOutput: () => [...recent], stop };
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
  if (buffered) onLine(buffered);
}

/** Runs the load generator in its own process and returns what it measured. */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const limitMs = (plan.warmupSeconds + plan.seconds) * 1000 + 30_000;
  return runChild("loadgen.ts", LOAD_PLAN_ENV, plan, limitMs, isLoadResult, "load generator");
}

/**
 * Runs `bench/<script>` in its own process with `plan` as JSON in the environment variable
 * `planEnv`, and returns the JSON on the last line it prints; killed after `limitMs`.
 */
export async function runChild<Result>(
  script: string,
  planEnv: string,
  plan: unknown,
  limitMs: number,
  isResult: (value: unknown) => value is Result,
  label: string,
): Promise<Result> {
  const proc = Bun.spawn([process.execPath, "run", join(HERE, script)], {
    env: { ...process.env, [planEnv]: JSON.stringify(plan) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), limitMs);
  const [text, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  clearTimeout(timer);
  const last = text.trim().split("\n").at(-1) ?? "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    parsed = undefined;
  }
  if (code !== 0 || !isResult(parsed)) throw new Error(`${label} failed (exit ${code}): ${text.slice(0, 500)}`);
  return parsed;
}
