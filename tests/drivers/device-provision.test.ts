/**
 * create -> start -> published port -> connect -> boot, with a stand-in container runtime whose
 * "container" is the fixture ADB device on a loopback port.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { AdbAuthError, adbPublicKey, generateAdbKey } from "../../drivers/device/adb/index.ts";
import type { DeviceContainerState } from "../../drivers/device/docker-api.ts";
import { DeviceProvisionError, provisionDevice, type DeviceContainerRuntime } from "../../drivers/device/provision.ts";
import { createRedroidDriver } from "../../drivers/device/redroid.ts";
import type { AndroidDevice, DeviceContainerSpec } from "../../drivers/device/types.ts";
import { startAdbDeviceFixture, type AdbDeviceFixture, type AdbDeviceFixtureOptions } from "../fixtures/adb-device/device.ts";

let key: Uint8Array;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  key = await generateAdbKey();
}, 30_000);

afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup().catch(() => undefined)));
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address ? address.port : 0;
}

/** A runtime whose container publishes ADB on `port`; adbd comes up `adbdDelayMs` after start. */
function fakeRuntime(port: number, device: AdbDeviceFixtureOptions, adbdDelayMs = 0) {
  const created: DeviceContainerSpec[] = [];
  const removed: string[] = [];
  let fixture: AdbDeviceFixture | undefined;
  let running = false;
  let booting: ReturnType<typeof setTimeout> | undefined;
  const runtime: DeviceContainerRuntime = {
    create: async (spec) => {
      created.push(spec);
      return { id: `ctr_${created.length}` };
    },
    start: async () => {
      running = true;
      booting = setTimeout(async () => {
        fixture = await startAdbDeviceFixture({ ...device, port });
        cleanups.push(() => fixture?.close() ?? Promise.resolve());
      }, adbdDelayMs);
    },
    inspect: async (): Promise<DeviceContainerState> => ({
      running,
      ports: [{ containerPort: 5555, protocol: "tcp", hostIp: "127.0.0.1", hostPort: port }],
      networks: {},
    }),
    remove: async (id) => {
      removed.push(id);
      running = false;
      clearTimeout(booting);
      await fixture?.close();
    },
  };
  return { runtime, created, removed, stop: () => (running = false), fixture: () => fixture };
}

describe("provisionDevice", () => {
  test("waits for adbd, connects with the platform key and for Android to boot", async () => {
    const port = await freePort();
    const fake = fakeRuntime(port, { bootDelayMs: 200, auth: { authorizedKeys: [adbPublicKey(key)] } }, 150);
    const started = await provisionDevice({
      runtime: fake.runtime,
      driver: createRedroidDriver(),
      session: { sessionId: "ses_prov1", ownerId: "usr_1", display: { width: 540, height: 960 } },
      key,
      pollMs: 25,
      bootTimeoutMs: 5_000,
    });
    cleanups.push(() => started.device.close());
    expect(fake.created).toHaveLength(1);
    expect(fake.created[0]?.name).toBe("agent-cloud-device-ses_prov1");
    expect(fake.created[0]?.cmd).toContain("androidboot.redroid_width=540");
    expect(started.endpoint).toEqual({ host: "127.0.0.1", port });
    expect(fake.fixture()?.state.booted).toBe(true);
    expect((await started.device.shell("getprop sys.boot_completed")).stdout).toBe("1\n");
    expect(fake.removed).toEqual([]);
  });

  test("a refused key fails at once and removes the container", async () => {
    const port = await freePort();
    const fake = fakeRuntime(port, { auth: { authorizedKeys: [], unknownKeys: "reject" } });
    const attempt = provisionDevice({ runtime: fake.runtime, driver: createRedroidDriver(), session: { sessionId: "ses_prov2", ownerId: "usr_1" }, key, pollMs: 25 });
    await expect(attempt).rejects.toBeInstanceOf(AdbAuthError);
    expect(fake.removed).toEqual(["ctr_1"]);
  });

  test("a container that stops while booting is reported and removed", async () => {
    const port = await freePort();
    const fake = fakeRuntime(port, {}, 60_000);
    const attempt = provisionDevice({ runtime: fake.runtime, driver: createRedroidDriver(), session: { sessionId: "ses_prov3", ownerId: "usr_1" }, key, pollMs: 25 });
    setTimeout(fake.stop, 100);
    await expect(attempt).rejects.toBeInstanceOf(DeviceProvisionError);
    expect(fake.removed).toEqual(["ctr_1"]);
  });

  test("Android that never finishes booting hits the budget", async () => {
    const port = await freePort();
    const fake = fakeRuntime(port, { bootDelayMs: 60_000, auth: { authorizedKeys: [adbPublicKey(key)] } });
    let device: AndroidDevice | undefined;
    const attempt = provisionDevice({ runtime: fake.runtime, driver: createRedroidDriver(), session: { sessionId: "ses_prov4", ownerId: "usr_1" }, key, pollMs: 25, bootTimeoutMs: 400 }).then((d) => {
      device = d.device;
    });
    await expect(attempt).rejects.toThrow(/timed out/);
    expect(device).toBeUndefined();
    expect(fake.removed).toEqual(["ctr_1"]);
  });
});
