/**
 * Starts anvil (the @foundry-rs/anvil npm package's binary) on loopback. Port 0 lets anvil bind a
 * free port, read back from its "Listening on" line, so concurrent test files never collide.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const LOCAL_BINARY = resolve(import.meta.dir, "../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

export interface RunningAnvil {
  rpcUrl: string;
  port: number;
  stop(): Promise<void>;
}

export interface AnvilOptions {
  port?: number;
  /** Seconds between blocks; unset mines a block per transaction (automine). */
  blockTimeS?: number;
  chainId?: number;
}

function anvilBinary(): string {
  return process.env.ANVIL_BIN ?? (existsSync(LOCAL_BINARY) ? LOCAL_BINARY : "anvil");
}

export function startAnvil(options: AnvilOptions = {}): Promise<RunningAnvil> {
  const args = ["--host", "127.0.0.1", "--port", String(options.port ?? 0), "--chain-id", String(options.chainId ?? 31337)];
  if (options.blockTimeS !== undefined) args.push("--block-time", String(options.blockTimeS));
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  // Never outlive the process that started it (a test runner killed mid-file included).
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      process.off("exit", killOnExit);
      done();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolveStart, rejectStart) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (!match) return;
      child.stdout.off("data", onData);
      // Keep draining so anvil never blocks on a full pipe.
      child.stdout.resume();
      const port = Number(match[1]);
      resolveStart({ rpcUrl: `http://127.0.0.1:${port}`, port, stop });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", rejectStart);
    child.once("exit", (code) => rejectStart(new Error(`anvil exited (${code}) before listening:\n${output.slice(-2000)}`)));
  });
}
