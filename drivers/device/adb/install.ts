import { randomUUID } from "node:crypto";
import type { Adb } from "@yume-chan/adb";
import { AdbCommandError } from "./errors.ts";
import { push } from "./files.ts";
import { shellQuote } from "./quote.ts";
import { shell } from "./shell.ts";
import type { CallOptions, ShellResult } from "./types.ts";

/** Installs (or replaces) an APK: push to /data/local/tmp, `pm install -r`, remove the copy. */
export async function install(adb: Adb, apk: Uint8Array, options: CallOptions = {}): Promise<ShellResult> {
  const path = `/data/local/tmp/agent-cloud-${randomUUID()}.apk`;
  await push(adb, path, apk, options);
  try {
    const result = await shell(adb, `pm install -r ${shellQuote(path)}`, options);
    // pm reports "Success" on stdout; over shell v1 there is no exit code to check.
    if ((result.exitCode ?? 0) !== 0 || !/^Success/m.test(result.stdout)) {
      const reason = `${result.stdout}\n${result.stderr}`.trim().split("\n")[0] ?? "";
      throw new AdbCommandError(`pm install failed: ${reason}`, result);
    }
    return result;
  } finally {
    await shell(adb, `rm -f ${shellQuote(path)}`, { timeoutMs: 10_000 }).catch(() => undefined);
  }
}
