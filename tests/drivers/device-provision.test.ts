/**
 * create -> start -> published port -> connect -> boot, through the redroid driver on a container
 * engine (the simulator, which runs nothing) whose "container" is the fixture ADB device, started
 * on the port the engine published.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SimulatorContainerDriver } from "../../drivers/container/simulator.ts";
import { AdbAuthError, adbPublicKey, generateAdbKey } from "../../drivers/device/adb/index.ts";
import { DeviceStartError } from "../../drivers/device/errors.ts";
import { createRedroidDriver } from "../../drivers/device/redroid.ts";
import { startAdbDeviceFixture, type AdbDeviceFixture, type AdbDeviceFixtureOptions } from "../fixtures/adb-device/device.ts";

let key: Uint8Array;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  key = await generateAdbKey();
}, 30_000);

afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup().catch(() => undefined)));
});

/** Creates and starts a session's device; its adbd (the fixture) comes up `adbdDelayMs` after the start. */
async function startDevice(sessionId: string, device: AdbDeviceFixtureOptions, adbdDelayMs = 0) {
  const containers = new SimulatorContainerDriver();
  const driver = createRedroidDriver({ image: "redroid/redroid:14.0.0-latest", pool: "test" }, { containers });
  const { containerId } = await driver.create({ sessionId, ownerId: "usr_1", display: { width: 540, height: 960 } });
  const { adbAddress } = await driver.start(containerId);
  let fixture: AdbDeviceFixture | undefined;
  const booting = setTimeout(async () => {
    fixture = await startAdbDeviceFixture({ ...device, port: Number(adbAddress.slice(adbAddress.lastIndexOf(":") + 1)) });
  }, adbdDelayMs);
  cleanups.push(async () => {
    clearTimeout(booting);
    await fixture?.close();
  });
  return { containers, driver, containerId, adbAddress, fixture: () => fixture };
}

describe("the redroid driver on a container engine", () => {
  test("waits for adbd, connects with the platform key and for Android to boot", async () => {
    const started = await startDevice("ses_prov1", { bootDelayMs: 200, auth: { authorizedKeys: [adbPublicKey(key)] } }, 150);
    const info = await started.containers.inspect(started.containerId);
    expect(info.name).toBe("agent-cloud-device-ses_prov1");
    // The simulator engine runs nothing; its log names the command the container was given.
    expect(await started.containers.logs(started.containerId)).toContain("androidboot.redroid_width=540");
    expect(started.adbAddress).toStartWith("127.0.0.1:");
    const device = await started.driver.connectStarting(started.containerId, started.adbAddress, key, { timeoutMs: 5_000, pollMs: 25 });
    cleanups.push(() => device.close());
    await device.waitForBoot({ intervalMs: 25, timeoutMs: 5_000 });
    expect(started.fixture()?.state.booted).toBe(true);
    expect((await device.shell("getprop sys.boot_completed")).stdout).toBe("1\n");
  });

  test("a refused key fails at once", async () => {
    const started = await startDevice("ses_prov2", { auth: { authorizedKeys: [], unknownKeys: "reject" } });
    const attempt = started.driver.connectStarting(started.containerId, started.adbAddress, key, { timeoutMs: 30_000, pollMs: 25 });
    await expect(attempt).rejects.toBeInstanceOf(AdbAuthError);
  });

  test("a container that stops while booting is reported", async () => {
    const started = await startDevice("ses_prov3", {}, 60_000);
    const attempt = started.driver.connectStarting(started.containerId, started.adbAddress, key, { timeoutMs: 30_000, pollMs: 25 });
    setTimeout(() => void started.containers.stop(started.containerId), 100);
    await expect(attempt).rejects.toBeInstanceOf(DeviceStartError);
  });

  test("adbd that never comes up, or Android that never finishes booting, hits the budget", async () => {
    const silent = await startDevice("ses_prov4", {}, 60_000);
    await expect(silent.driver.connectStarting(silent.containerId, silent.adbAddress, key, { timeoutMs: 400, pollMs: 25 })).rejects.toThrow(/timed out/);

    const slow = await startDevice("ses_prov5", { bootDelayMs: 60_000, auth: { authorizedKeys: [adbPublicKey(key)] } });
    const device = await slow.driver.connectStarting(slow.containerId, slow.adbAddress, key, { timeoutMs: 5_000, pollMs: 25 });
    cleanups.push(() => device.close());
    await expect(device.waitForBoot({ intervalMs: 25, timeoutMs: 400 })).rejects.toThrow(/timed out/);
  });
});
