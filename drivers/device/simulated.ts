import { ADB_KEYS } from "./adb/key.ts";
import { deviceContainers, type DeviceDriverConfig, type DeviceDriverDeps } from "./device-container.ts";
import { makePng } from "./png.ts";
import { REDROID_DEFAULT_DISPLAY } from "./redroid-spec.ts";
import type { AndroidDevice, DeviceDriver, ShellResult } from "./types.ts";

const SIMULATED_PROPS: Readonly<Record<string, string>> = {
  "sys.boot_completed": "1",
  "ro.product.model": "agent-cloud simulated device",
  "ro.build.version.release": "14",
};

/**
 * The device side of the simulator engine (CONTAINER_DRIVER=simulator, for machines with no
 * engine): a session still goes through every state and its gateway answers, but nothing runs.
 * The device boots at once, keeps pushed files in memory, answers `echo` and `getprop`, returns a
 * gradient PNG as its screen, and accepts taps, text and installs without doing anything.
 */
export function createSimulatedDeviceDriver(config: DeviceDriverConfig, deps: DeviceDriverDeps): DeviceDriver {
  const connect: DeviceDriver["connect"] = async (adbAddress) => new SimulatedDevice(adbAddress);
  return { kind: "simulated", keys: ADB_KEYS, connect, ...deviceContainers(config, deps, connect) };
}

class SimulatedDevice implements AndroidDevice {
  readonly banner = { product: "simulated", model: SIMULATED_PROPS["ro.product.model"], device: "simulated", features: ["shell_v2"] };
  readonly shellProtocol = "v2" as const;
  private readonly files = new Map<string, Uint8Array>();
  private closeDevice!: () => void;
  readonly disconnected = new Promise<void>((resolve) => (this.closeDevice = resolve));

  constructor(readonly serial: string) {}

  async waitForBoot(): Promise<void> {}

  async shell(command: string): Promise<ShellResult> {
    const [program, ...args] = command.trim().split(/\s+/);
    if (program === "echo") return { exitCode: 0, stdout: `${args.join(" ")}\n`, stderr: "" };
    if (program === "getprop") {
      const value = args[0] === undefined ? "" : (SIMULATED_PROPS[args[0]] ?? "");
      return { exitCode: 0, stdout: `${value}\n`, stderr: "" };
    }
    return { exitCode: 0, stdout: "", stderr: `simulated device: ${program ?? ""} not run\n` };
  }

  async shellBytes(command: string) {
    const result = await this.shell(command);
    return { exitCode: result.exitCode, stdout: new TextEncoder().encode(result.stdout), stderr: new TextEncoder().encode(result.stderr) };
  }

  async push(path: string, bytes: Uint8Array): Promise<void> {
    this.files.set(path, bytes.slice());
  }

  async pull(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    if (!bytes) throw new Error(`simulated device: ${path}: No such file or directory`);
    return bytes.slice();
  }

  async screenshot(): Promise<Uint8Array> {
    return makePng(REDROID_DEFAULT_DISPLAY.width / 4, REDROID_DEFAULT_DISPLAY.height / 4);
  }

  async tap(): Promise<void> {}
  async swipe(): Promise<void> {}
  async text(): Promise<void> {}
  async keyevent(): Promise<void> {}

  async install(): Promise<ShellResult> {
    return { exitCode: 0, stdout: "Success\n", stderr: "" };
  }

  async close(): Promise<void> {
    this.closeDevice();
  }
}
