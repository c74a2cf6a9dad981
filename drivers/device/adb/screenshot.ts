import type { Adb } from "@yume-chan/adb";
import { AdbCommandError } from "./errors.ts";
import { shellBytes } from "./shell.ts";
import type { CallOptions } from "./types.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** The current screen as PNG bytes (`screencap -p`). */
export async function screenshot(adb: Adb, options: CallOptions = {}): Promise<Uint8Array> {
  const result = await shellBytes(adb, "screencap -p", options);
  if ((result.exitCode ?? 0) === 0 && isPng(result.stdout)) return result.stdout;
  const decoder = new TextDecoder();
  const stderr = decoder.decode(result.stderr);
  throw new AdbCommandError(`screencap -p did not return a PNG${stderr ? `: ${stderr.trim()}` : ""}`, {
    ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
    stdout: isPng(result.stdout) ? "" : decoder.decode(result.stdout),
    stderr,
  });
}
