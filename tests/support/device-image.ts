import { join } from "node:path";

let built: Promise<string> | undefined;

/**
 * The stand-in device image (busybox + the fixture ADB device, see
 * scripts/engine/build-device-image.sh), built once per test process and only when it changed.
 */
export function deviceFixtureImage(): Promise<string> {
  built ??= (async () => {
    const proc = Bun.spawn(["bash", join(import.meta.dir, "../../scripts/engine/build-device-image.sh")], { stdout: "pipe", stderr: "pipe" });
    const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    if (code !== 0) throw new Error(`building the device image failed:\n${err}`);
    return out.trim();
  })();
  return built;
}
