/** The container driver's pieces that need no engine: stream demux, DOCKER_HOST, the factory, an unreachable engine. */
import { describe, expect, test } from "bun:test";
import { createContainerDriver } from "../../drivers/container/index.ts";
import { demux } from "../../drivers/container/demux.ts";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { parseDockerHost } from "../../drivers/container/docker-host.ts";
import { ContainerError } from "../../drivers/container/errors.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { engineDockerHost } from "../support/engine.ts";

const dockerHost = await engineDockerHost();

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function capture(): { logger: ReturnType<typeof createLogger>; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  return { logger: createLogger({ level: "debug", sink: (line) => lines.push(JSON.parse(line)) }), lines };
}

describe("demux", () => {
  test("splits stdout and stderr frames and keeps their order in combined", () => {
    const data = Buffer.concat([frame(1, "a\n"), frame(2, "b\n"), frame(1, "c\n")]);
    expect(demux(data)).toEqual({ stdout: "a\nc\n", stderr: "b\n", combined: "a\nb\nc\n" });
  });

  test("a UTF-8 character split across frames of one stream survives", () => {
    const bytes = Buffer.from("é");
    const first = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 1]), bytes.subarray(0, 1)]);
    const second = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 1]), bytes.subarray(1)]);
    expect(demux(Buffer.concat([first, second])).stdout).toBe("é");
  });

  test("a stream without frame headers (TTY) is all stdout; empty is empty", () => {
    expect(demux(Buffer.from("plain text\n"))).toEqual({ stdout: "plain text\n", stderr: "", combined: "plain text\n" });
    expect(demux(new Uint8Array())).toEqual({ stdout: "", stderr: "", combined: "" });
  });

  test("a truncated last frame keeps what arrived", () => {
    const whole = frame(1, "hello");
    expect(demux(whole.subarray(0, whole.length - 2)).stdout).toBe("hel");
  });
});

describe("DOCKER_HOST", () => {
  test("unix URL, socket path, tcp with and without port", () => {
    expect(parseDockerHost("unix:///run/agent-cloud/podman.sock")).toEqual({
      transport: "unix",
      socketPath: "/run/agent-cloud/podman.sock",
      url: "unix:///run/agent-cloud/podman.sock",
      dialHost: "127.0.0.1",
    });
    expect(parseDockerHost("/var/run/docker.sock")).toMatchObject({ transport: "unix", socketPath: "/var/run/docker.sock" });
    expect(parseDockerHost("tcp://10.1.2.3:2376")).toEqual({
      transport: "tcp",
      host: "10.1.2.3",
      port: 2376,
      url: "tcp://10.1.2.3:2376",
      dialHost: "10.1.2.3",
    });
    expect(parseDockerHost("tcp://engine.internal")).toMatchObject({ host: "engine.internal", port: 2375 });
  });

  test("anything else is refused with a message naming the forms", () => {
    for (const bad of ["ssh://me@host", "unix://relative.sock", "engine:2375", ""]) {
      expect(() => parseDockerHost(bad)).toThrow(/DOCKER_HOST must be/);
    }
  });
});

describe("an unreachable engine", () => {
  test("every call is UNAVAILABLE and ping is false", async () => {
    for (const dockerHost of ["unix:///nonexistent/agent-cloud.sock", "tcp://127.0.0.1:1"]) {
      const driver = new DockerContainerDriver({ dockerHost });
      expect(await driver.ping()).toBe(false);
      const error = await driver.inspect("anything").catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(ContainerError);
      expect((error as ContainerError).code).toBe("UNAVAILABLE");
      expect((error as ContainerError).message).toContain(dockerHost);
    }
  });
});

describe("createContainerDriver", () => {
  test("auto with no engine falls back to the simulator and warns loudly", async () => {
    const { logger, lines } = capture();
    const driver = await createContainerDriver({ dockerHost: "unix:///nonexistent/agent-cloud.sock", logger });
    expect(driver.kind).toBe("simulator");
    const warning = lines.find((line) => line.level === "warn");
    expect(warning?.msg).toContain("CONTAINER DRIVER: SIMULATOR");
    expect(warning?.msg).toContain("unix:///nonexistent/agent-cloud.sock");
  });

  test("simulator mode never touches an engine", async () => {
    const { logger, lines } = capture();
    const driver = await createContainerDriver({ mode: "simulator", dockerHost: "tcp://127.0.0.1:1", logger });
    expect(driver.kind).toBe("simulator");
    expect(lines.map((line) => line.msg).join()).toContain("simulator (mode=simulator)");
  });

  test("docker mode with no engine still gives the docker driver, and logs an error", async () => {
    const { logger, lines } = capture();
    const driver = await createContainerDriver({ mode: "docker", dockerHost: "tcp://127.0.0.1:1", logger });
    expect(driver.kind).toBe("docker");
    expect(lines.some((line) => line.level === "error" && line.msg.includes("no engine answers"))).toBe(true);
    const error = await driver.listByLabel({}).catch((reason: unknown) => reason);
    expect((error as ContainerError).code).toBe("UNAVAILABLE");
  });

  test.if(Boolean(dockerHost))("auto with a reachable engine picks docker and names it", async () => {
    const { logger, lines } = capture();
    const driver = await createContainerDriver({ dockerHost, logger });
    expect(driver.kind).toBe("docker");
    expect(lines.find((line) => line.level === "info")?.msg).toMatch(/^container driver: docker \(.+ at unix:\/\/|tcp:\/\//);
  });
});
