import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let built: Promise<string> | undefined;

/**
 * The stand-in device image (busybox + the fixture ADB device, see
 * scripts/engine/build-device-image.sh), built once per test process and only when it changed.
 */
export function deviceFixtureImage(): Promise<string> {
  built ??= run(["bash", join(import.meta.dir, "../../scripts/engine/build-device-image.sh")]).catch((error: unknown) => {
    throw new Error(`building the device image failed:\n${error instanceof Error ? error.message : String(error)}`);
  });
  return built;
}

/** A tag of the fixture device image whose device reports boot complete only after `delayMs`. */
export async function withBootDelay(base: string, delayMs: number): Promise<string> {
  const entrypoint = JSON.parse(await run(["podman", "image", "inspect", "--format", "{{json .Config.Entrypoint}}", base])) as string[];
  const tag = `${base}-boot-${delayMs}ms`;
  const context = mkdtempSync(join(tmpdir(), "device-image-"));
  try {
    const containerfile = `FROM ${base}\nENTRYPOINT ${JSON.stringify([...entrypoint, "--boot-delay-ms", String(delayMs)])}\n`;
    await run(["podman", "build", "--quiet", "--tag", tag, "--file", "-", context], containerfile);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return tag;
}

/** Runs a command; its trimmed stdout, or an error carrying its stderr. */
export async function run(cmd: string[], stdin?: string): Promise<string> {
  const proc = Bun.spawn(cmd, { stdin: stdin === undefined ? "ignore" : new Blob([stdin]), stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}): ${err}`);
  return out.trim();
}
