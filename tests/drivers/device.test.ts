/**
 * The redroid container spec, checked against the exact Docker Engine create body the container
 * driver sends for it, and the device driver running that spec on a container engine.
 */
import { describe, expect, test } from "bun:test";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { toCreateOptions } from "../../drivers/container/docker-mapping.ts";
import { SimulatorContainerDriver } from "../../drivers/container/simulator.ts";
import type { ContainerSpec } from "../../drivers/container/types.ts";
import { createDeviceDriver, DeviceStartError } from "../../drivers/device/index.ts";
import { redroidContainerSpec } from "../../drivers/device/redroid-spec.ts";

const POOL = "test-pool";
const labels = { "agent-cloud.session": "ses_abc123", "agent-cloud.role": "device", "agent-cloud.owner": "usr_42", "agent-cloud.pool": POOL };

/** What the engine reads: the create body as JSON (dockerode serializes it; undefined fields vanish). */
function engineBody(spec: ContainerSpec) {
  return JSON.parse(JSON.stringify(toCreateOptions(spec)));
}

describe("redroid create request", () => {
  test("defaults: privileged, /data volume, ADB on a random loopback port, boot args, labels", () => {
    expect(engineBody(redroidContainerSpec({ sessionId: "ses_abc123", ownerId: "usr_42" }, { pool: POOL }))).toStrictEqual({
      name: "agent-cloud-device-ses_abc123",
      Image: "redroid/redroid:14.0.0-latest",
      Cmd: [
        "androidboot.redroid_width=720",
        "androidboot.redroid_height=1280",
        "androidboot.redroid_dpi=320",
        "androidboot.redroid_fps=30",
        "androidboot.redroid_gpu_mode=guest",
        "androidboot.use_memfd=true",
      ],
      Env: [],
      Labels: labels,
      ExposedPorts: { "5555/tcp": {} },
      HostConfig: {
        // Android brings its own init.
        Init: false,
        Privileged: true,
        Mounts: [{ Type: "volume", Source: "agent-cloud-device-ses_abc123-data", Target: "/data", ReadOnly: false }],
        PortBindings: { "5555/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      },
    });
  });

  test("custom image, display, GPU mode and limits", () => {
    const body = engineBody(
      redroidContainerSpec(
        {
          sessionId: "ses_x",
          ownerId: "usr_1",
          display: { width: 1080, height: 2400, dpi: 440, fps: 60 },
          gpuMode: "host",
          resources: { memoryBytes: 4 * 1024 ** 3, nanoCpus: 2_000_000_000 },
        },
        { image: "registry.local/redroid:15.0.0_64only-latest", pool: POOL },
      ),
    );
    expect(body.Image).toBe("registry.local/redroid:15.0.0_64only-latest");
    expect(body.Cmd).toEqual([
      "androidboot.redroid_width=1080",
      "androidboot.redroid_height=2400",
      "androidboot.redroid_dpi=440",
      "androidboot.redroid_fps=60",
      "androidboot.redroid_gpu_mode=host",
      "androidboot.use_memfd=true",
    ]);
    expect(body.HostConfig.Memory).toBe(4 * 1024 ** 3);
    expect(body.HostConfig.NanoCpus).toBe(2_000_000_000);
  });

  test("rejects parameters that would make a bad container", () => {
    const options = { pool: POOL };
    expect(() => redroidContainerSpec({ sessionId: "../etc", ownerId: "u" }, options)).toThrow(RangeError);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: " " }, options)).toThrow(RangeError);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: "u", display: { width: 720.5 } }, options)).toThrow(/width/);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: "u", display: { fps: 0 } }, options)).toThrow(/fps/);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: "u", gpuMode: "vulkan" as "host" }, options)).toThrow(/gpu mode/);
  });
});

describe("the device driver on a container engine", () => {
  test("the factory runs redroid on an engine and simulated devices on the simulator", () => {
    const config = { image: "redroid/redroid:14.0.0-latest", pool: POOL };
    expect(createDeviceDriver(config, { containers: new DockerContainerDriver({ dockerHost: "tcp://127.0.0.1:1" }) }).kind).toBe("redroid");
    expect(createDeviceDriver(config, { containers: new SimulatorContainerDriver() }).kind).toBe("simulated");
  });

  test("the driver's container is the same spec, with its configured image, volume and pool; created once per session", async () => {
    const containers = new SimulatorContainerDriver();
    const driver = createDeviceDriver({ image: "redroid/redroid:13.0.0-latest", pool: POOL }, { containers });
    const { containerId, volumeName } = await driver.create({ sessionId: "ses_d", ownerId: "usr_1" });
    const info = await containers.inspect(containerId);
    expect(info).toMatchObject({ name: "agent-cloud-device-ses_d", image: "redroid/redroid:13.0.0-latest", state: "created" });
    expect(info.labels).toEqual({ "agent-cloud.session": "ses_d", "agent-cloud.role": "device", "agent-cloud.owner": "usr_1", "agent-cloud.pool": POOL });
    expect(volumeName).toBe("agent-cloud-device-ses_d-data");
    expect(volumeName).toBe(driver.dataVolumeName("ses_d"));
    expect((await containers.listVolumes({ ...driver.poolLabels })).map((volume) => volume.name)).toEqual([volumeName]);
    expect(driver.sessionOf(info.labels)).toBe("ses_d");
    expect((await driver.create({ sessionId: "ses_d", ownerId: "usr_1" })).containerId).toBe(containerId);
  });
});

describe("finding ADB on a started container", () => {
  test("the published loopback port", async () => {
    const containers = new SimulatorContainerDriver();
    const driver = createDeviceDriver({ image: "redroid/redroid:14.0.0-latest", pool: POOL }, { containers });
    const { containerId } = await driver.create({ sessionId: "ses_1", ownerId: "u" });
    const { adbAddress } = await driver.start(containerId);
    const info = await containers.inspect(containerId);
    expect(info.state).toBe("running");
    const published = info.ports.find((port) => port.containerPort === 5555);
    expect(published?.hostIp).toBe("127.0.0.1");
    expect(adbAddress).toBe(`127.0.0.1:${published?.hostPort}`);
  });

  test("no published port is an error, not a guess", async () => {
    const containers = new SimulatorContainerDriver({ images: ["redroid/redroid:14.0.0-latest"] });
    const driver = createDeviceDriver({ image: "redroid/redroid:14.0.0-latest", pool: POOL }, { containers });
    const { id } = await containers.create({ name: "no-adb", image: "redroid/redroid:14.0.0-latest", labels: {} });
    const attempt = driver.start(id);
    await expect(attempt).rejects.toBeInstanceOf(DeviceStartError);
    await expect(attempt).rejects.toThrow(/publishes no ADB port 5555/);
  });
});
