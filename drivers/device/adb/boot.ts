import { deadline, sleep } from "./deadline.ts";
import type { CallOptions, ShellResult, WaitForBootOptions } from "./types.ts";

/** Polls `getprop sys.boot_completed` until Android reports 1 (set once the system server is up). */
export async function waitForBoot(
  run: (command: string, options: CallOptions) => Promise<ShellResult>,
  options: WaitForBootOptions = {},
): Promise<void> {
  const { signal, dispose } = deadline("waiting for Android to boot", { timeoutMs: options.timeoutMs ?? 120_000, signal: options.signal });
  try {
    for (;;) {
      const result = await run("getprop sys.boot_completed", { signal });
      if (result.stdout.trim() === "1") return;
      await sleep(options.intervalMs ?? 1_000, signal);
    }
  } finally {
    dispose();
  }
}
