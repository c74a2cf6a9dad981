/**
 * Running one command line on the device: shell v2 (`shell,v2,raw:`; separate stdout/stderr and
 * an exit code) when the device advertises it, else v1 through `exec:` (raw bytes, no pty, so
 * binary output such as a PNG survives; stdout and stderr arrive merged, without exit status).
 */
import type { Adb } from "@yume-chan/adb";
import { ConcatBufferStream } from "@yume-chan/stream-extra";
import { abortable, deadline } from "./deadline.ts";
import type { CallOptions, ShellBytesResult, ShellResult } from "./types.ts";

export function shellProtocolOf(adb: Adb): "v2" | "v1" {
  return adb.subprocess.shellProtocol?.isSupported ? "v2" : "v1";
}

export async function shellBytes(adb: Adb, command: string, options: CallOptions = {}): Promise<ShellBytesResult> {
  options.signal?.throwIfAborted();
  const { signal, dispose } = deadline(`adb shell \`${command}\``, options);
  try {
    return await abortable(run(adb, command, signal), signal);
  } finally {
    dispose();
  }
}

export async function shell(adb: Adb, command: string, options: CallOptions = {}): Promise<ShellResult> {
  const result = await shellBytes(adb, command, options);
  const decoder = new TextDecoder();
  const text = { stdout: decoder.decode(result.stdout), stderr: decoder.decode(result.stderr) };
  return result.exitCode === undefined ? text : { exitCode: result.exitCode, ...text };
}

async function run(adb: Adb, command: string, signal: AbortSignal): Promise<ShellBytesResult> {
  // Passing [command] keeps the line byte-for-byte: Tango joins the array with spaces.
  const v2 = adb.subprocess.shellProtocol;
  if (v2?.isSupported) {
    const process = await v2.spawn([command], signal);
    const [stdout, stderr, exitCode] = await Promise.all([
      process.stdout.pipeThrough(new ConcatBufferStream()),
      process.stderr.pipeThrough(new ConcatBufferStream()),
      process.exited,
    ]);
    return { exitCode, stdout, stderr };
  }
  const process = await adb.subprocess.noneProtocol.spawn([command], signal);
  const stdout = await process.output.pipeThrough(new ConcatBufferStream());
  return { stdout, stderr: new Uint8Array(0) };
}
