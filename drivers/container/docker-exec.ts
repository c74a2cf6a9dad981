import type Dockerode from "dockerode";
import type { Duplex } from "node:stream";
import { demux } from "./demux.ts";
import type { ExecOptions, ExecResult } from "./types.ts";

/** How long to wait for the engine to record an exec's exit code after its stream ended. */
const EXIT_CODE_WAIT_MS = 2_000;

/**
 * Runs one exec session over a hijacked connection (needed to write stdin) and collects the
 * multiplexed output. On timeout the connection is dropped and the result says so; the engine has
 * no API to kill an exec'd process, so it may go on running inside the container.
 */
export async function runExec(
  container: Dockerode.Container,
  cmd: string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const withStdin = options.stdin !== undefined;
  const execution = await container.exec({
    Cmd: cmd,
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: options.env ? Object.entries(options.env).map(([key, value]) => `${key}=${value}`) : undefined,
    WorkingDir: options.workingDir,
    User: options.user,
  });
  const socket = await execution.start({ hijack: true, stdin: withStdin });
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));

  const ended = streamEnd(socket);
  if (options.stdin !== undefined) {
    socket.write(typeof options.stdin === "string" ? options.stdin : Buffer.from(options.stdin));
    socket.end();
  }

  const finished = await withTimeout(ended, options.timeoutMs);
  if (!finished) {
    socket.destroy();
    const partial = demux(Buffer.concat(chunks));
    return { exitCode: null, stdout: partial.stdout, stderr: partial.stderr, timedOut: true, simulated: false };
  }
  const output = demux(Buffer.concat(chunks));
  return {
    exitCode: await exitCodeOf(execution),
    stdout: output.stdout,
    stderr: output.stderr,
    timedOut: false,
    simulated: false,
  };
}

function streamEnd(socket: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("end", resolve);
    socket.once("close", resolve);
    socket.once("error", reject);
  });
}

/** Resolves true when `done` settles first, false after `timeoutMs`. */
async function withTimeout(done: Promise<void>, timeoutMs: number | undefined): Promise<boolean> {
  if (timeoutMs === undefined) {
    await done;
    return true;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([done.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The stream can end a moment before the engine marks the exec finished. */
async function exitCodeOf(execution: Dockerode.Exec): Promise<number | null> {
  const deadline = Date.now() + EXIT_CODE_WAIT_MS;
  for (;;) {
    const info = await execution.inspect();
    if (!info.Running || Date.now() > deadline) return info.Running ? null : info.ExitCode;
    await Bun.sleep(10);
  }
}
