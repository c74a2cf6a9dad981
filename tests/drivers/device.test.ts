/** The redroid container spec, checked against the exact Docker Engine create request it produces. */
import { describe, expect, test } from "bun:test";
import { dockerCreateRequest, fromDockerInspect } from "../../drivers/device/docker-api.ts";
import { createDeviceDriver } from "../../drivers/device/index.ts";
import { adbEndpointOf } from "../../drivers/device/provision.ts";
import { redroidContainerSpec, redroidCreateRequest } from "../../drivers/device/redroid-spec.ts";

const labels = { "agent-cloud.session": "ses_abc123", "agent-cloud.role": "device", "agent-cloud.owner": "usr_42" };

describe("redroid create request", () => {
  test("defaults: privileged, /data volume, ADB on a random loopback port, boot args, labels", () => {
    const request = redroidCreateRequest({ sessionId: "ses_abc123", ownerId: "usr_42" });
    expect(request).toStrictEqual({
      method: "POST",
      path: "/containers/create",
      query: { name: "agent-cloud-device-ses_abc123" },
      body: {
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
          Privileged: true,
          Mounts: [{ Type: "volume", Source: "agent-cloud-device-ses_abc123-data", Target: "/data", VolumeOptions: { Labels: labels } }],
          PortBindings: { "5555/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
        },
      },
    });
    // The engine reads exactly this JSON; nothing undefined may leak into it.
    expect(JSON.parse(JSON.stringify(request.body))).toStrictEqual(request.body);
  });

  test("custom image, display, GPU mode and limits", () => {
    const { body } = redroidCreateRequest({
      sessionId: "ses_x",
      ownerId: "usr_1",
      image: "registry.local/redroid:15.0.0_64only-latest",
      display: { width: 1080, height: 2400, dpi: 440, fps: 60 },
      gpuMode: "host",
      resources: { memoryBytes: 4 * 1024 ** 3, nanoCpus: 2_000_000_000 },
    });
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

  test("private network: nothing published, attached to the named network", () => {
    const { body } = redroidCreateRequest({ sessionId: "ses_p", ownerId: "usr_1", network: { kind: "private", name: "agent-cloud-devices" } });
    expect(body.HostConfig.PortBindings).toEqual({});
    expect(body.HostConfig.NetworkMode).toBe("agent-cloud-devices");
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { "agent-cloud-devices": {} } });
    expect(body.ExposedPorts).toEqual({ "5555/tcp": {} });
    expect(body.HostConfig.Privileged).toBe(true);
  });

  test("rejects parameters that would make a bad container", () => {
    expect(() => redroidContainerSpec({ sessionId: "../etc", ownerId: "u" })).toThrow(RangeError);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: " " })).toThrow(RangeError);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: "u", display: { width: 720.5 } })).toThrow(/width/);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: "u", display: { fps: 0 } })).toThrow(/fps/);
    expect(() => redroidContainerSpec({ sessionId: "ses_1", ownerId: "u", gpuMode: "vulkan" as "host" })).toThrow(/gpu mode/);
  });

  test("the driver's spec is the same spec, with its default image", () => {
    const driver = createDeviceDriver({ kind: "redroid", image: "redroid/redroid:13.0.0-latest" });
    const spec = driver.containerSpec({ sessionId: "ses_d", ownerId: "usr_1" });
    expect(spec.image).toBe("redroid/redroid:13.0.0-latest");
    expect(driver.adbPort).toBe(5555);
    expect(dockerCreateRequest(spec, [5555]).body.HostConfig.PortBindings).toEqual({ "5555/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
  });
});

describe("finding ADB on a started container", () => {
  const inspect = {
    State: { Running: true },
    NetworkSettings: {
      Ports: { "5555/tcp": [{ HostIp: "127.0.0.1", HostPort: "49153" }], "8080/tcp": null },
      Networks: { bridge: { IPAddress: "172.17.0.5" }, "agent-cloud-devices": { IPAddress: "10.89.0.7" } },
    },
  };

  test("published loopback port from Docker's inspect JSON", () => {
    const state = fromDockerInspect(inspect);
    expect(state.running).toBe(true);
    const spec = redroidContainerSpec({ sessionId: "ses_1", ownerId: "u" });
    expect(adbEndpointOf(spec, state, 5555)).toEqual({ host: "127.0.0.1", port: 49153 });
  });

  test("container address on the private network", () => {
    const spec = redroidContainerSpec({ sessionId: "ses_1", ownerId: "u", network: { kind: "private", name: "agent-cloud-devices" } });
    expect(adbEndpointOf(spec, fromDockerInspect(inspect), 5555)).toEqual({ host: "10.89.0.7", port: 5555 });
  });

  test("no published port is an error, not a guess", () => {
    const spec = redroidContainerSpec({ sessionId: "ses_1", ownerId: "u" });
    expect(() => adbEndpointOf(spec, fromDockerInspect({ State: { Running: true } }), 5555)).toThrow(/no host port/);
  });
});
