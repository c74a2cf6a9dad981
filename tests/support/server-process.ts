import { join } from "node:path";
import type { Subprocess } from "bun";

/**
 * The real server (`bun src/server.ts`) as a child process, for tests that must kill it the hard
 * way. Its stdout is JSON log lines; the `listening` line gives the URL. Every line is kept, so a
 * failing test can print what the server said.
 */
export interface ServerProcess {
  url: string;
  pid: number;
  logs: string[];
  /** SIGKILL: no shutdown hook runs, exactly like a crash. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown); SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const SERVER_ENTRY = join(import.meta.dir, "../../src/server.ts");

export async function spawnServer(env: Record<string, string>, options: { startTimeoutMs?: number } = {}): Promise<ServerProcess> {
  const logs: string[] = [];
  // Only what the child needs: the test runner's own settings (DATABASE_URL, S3_*…) stay out.
  const base: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  const proc = Bun.spawn([process.execPath, SERVER_ENTRY], {
    env: { ...base, NODE_ENV: "test", HOST: "127.0.0.1", PORT: "0", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const listening = collectLines(proc, logs);
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const url = await Promise.race([
    listening,
    proc.exited.then((code) => Promise.reject(new Error(`server exited with ${code} before listening:\n${logs.join("\n")}`))),
    Bun.sleep(timeoutMs).then(() => Promise.reject(new Error(`server did not listen within ${timeoutMs} ms:\n${logs.join("\n")}`))),
  ]).catch(async (error: unknown) => {
    proc.kill("SIGKILL");
    await proc.exited;
    throw error;
  });
  return {
    url,
    pid: proc.pid,
    logs,
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
    async stop(graceMs = 10_000) {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
}

/** Keeps every stdout/stderr line; resolves with the URL of the `listening` log line. */
function collectLines(proc: Subprocess<"ignore", "pipe", "pipe">, logs: string[]): Promise<string> {
  let resolveUrl: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => (resolveUrl = resolve));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 1);
        logs.push(line);
        const listened = listeningUrl(line);
        if (listened) resolveUrl(listened);
      }
    }
    if (buffer) logs.push(buffer);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  return url;
}

function listeningUrl(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return record.msg === "listening" && typeof record.url === "string" ? record.url : undefined;
  } catch {
    return undefined;
  }
}
