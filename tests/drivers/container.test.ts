/**
 * One contract, two drivers: the simulator always, the real engine (Docker or Podman) when
 * DOCKER_HOST answers. Where the simulator cannot do what an engine does (run a program), the case
 * checks that it says so instead.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { ContainerError, type ContainerErrorCode } from "../../drivers/container/errors.ts";
import { SimulatorContainerDriver } from "../../drivers/container/simulator.ts";
import type { ContainerDriver, ContainerInfo, ContainerState } from "../../drivers/container/types.ts";
import { engineDockerHost, TEST_IMAGE } from "../support/engine.ts";

const dockerHost = await engineDockerHost();

test.if(Boolean(process.env.DOCKER_HOST))("the engine at DOCKER_HOST answers", () => {
  expect(dockerHost).toBe(process.env.DOCKER_HOST);
});

describe("simulator driver", () => {
  contract(() => new SimulatorContainerDriver());
});

describe.if(Boolean(dockerHost))("docker driver against the engine at DOCKER_HOST", () => {
  contract(() => new DockerContainerDriver({ dockerHost: dockerHost ?? "" }));
});

async function rejectsWith(code: ContainerErrorCode, promise: Promise<unknown>): Promise<ContainerError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ContainerError);
  expect((error as ContainerError).code).toBe(code);
  return error as ContainerError;
}

async function waitForState(driver: ContainerDriver, id: string, state: ContainerState): Promise<ContainerInfo> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const info = await driver.inspect(id);
    if (info.state === state) return info;
    if (Date.now() > deadline) throw new Error(`container ${id} is ${info.state}, not ${state}`);
    await Bun.sleep(25);
  }
}

/** The published port really forwards: busybox httpd in the container answers on it. */
async function fetchThrough(address: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      const response = await fetch(`http://${address}/`, { signal: AbortSignal.timeout(1_000) });
      return await response.text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await Bun.sleep(50);
    }
  }
}

function contract(makeDriver: () => ContainerDriver): void {
  const run = randomBytes(4).toString("hex");
  const runLabel = { "agent-cloud.test-run": run };
  const volumeName = `ac-test-${run}-data`;
  let driver: ContainerDriver;
  let real: boolean;
  let mainId = "";

  beforeAll(async () => {
    driver = makeDriver();
    real = driver.kind === "docker";
    if (!(await driver.imageExists(TEST_IMAGE))) {
      if (real) throw new Error(`${TEST_IMAGE} is missing from the engine: run scripts/engine/start.sh`);
      await driver.pullImage(TEST_IMAGE);
    }
  });

  afterAll(async () => {
    for (const container of await driver.listByLabel(runLabel)) {
      await driver.remove(container.id, { force: true, volumes: true }).catch(() => undefined);
    }
    for (const volume of await driver.listVolumes(runLabel)) {
      await driver.removeVolume(volume.name).catch(() => undefined);
    }
  });

  test("ping", async () => {
    expect(await driver.ping()).toBe(true);
  });

  test("create with labels, a volume and a published port; start; inspect resolves the host port", async () => {
    expect(await driver.createVolume({ name: volumeName, labels: { ...runLabel, purpose: "data" } })).toEqual({
      name: volumeName,
    });
    const { id } = await driver.create({
      name: `ac-test-${run}-main`,
      image: TEST_IMAGE,
      cmd: ["sh", "-c", "echo booted; echo warned >&2; mkdir -p /www; echo served > /www/index.html; exec httpd -f -p 8080 -h /www"],
      env: { GREETING: "hello" },
      labels: { ...runLabel, role: "main" },
      init: true,
      mounts: [{ type: "volume", source: volumeName, target: "/data" }],
      publish: [{ containerPort: 8080, hostIp: "127.0.0.1" }],
      memoryBytes: 64 * 1024 * 1024,
    });
    mainId = id;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect((await driver.inspect(id)).state).toBe("created");

    await driver.start(id);
    await driver.start(id); // already running: no-op
    const info = await driver.inspect(id);
    expect(info).toMatchObject({
      id,
      name: `ac-test-${run}-main`,
      image: TEST_IMAGE,
      state: "running",
      exitCode: null,
      labels: { ...runLabel, role: "main" },
    });
    expect(info.startedAt).not.toBeNull();
    expect(info.ports).toHaveLength(1);
    const [port] = info.ports;
    expect(port).toMatchObject({ containerPort: 8080, protocol: "tcp", hostIp: "127.0.0.1" });
    expect(port?.hostPort).toBeGreaterThan(0);
    expect(port?.address).toBe(`127.0.0.1:${port?.hostPort}`);
    if (real && port) expect(await fetchThrough(port.address)).toBe("served\n");
    // by name as well as by id
    expect((await driver.inspect(`ac-test-${run}-main`)).id).toBe(id);
  });

  test("a second container with the same name is a CONFLICT; a missing image is NOT_FOUND", async () => {
    await rejectsWith("CONFLICT", driver.create({ name: `ac-test-${run}-main`, image: TEST_IMAGE, labels: runLabel }));
    await rejectsWith(
      "NOT_FOUND",
      driver.create({ name: `ac-test-${run}-noimage`, image: "localhost/agent-cloud/absent:1", labels: runLabel }),
    );
  });

  test("exec: exit code, stdout and stderr apart, env, stdin", async () => {
    const result = await driver.exec(mainId, ["sh", "-c", "echo out; echo err >&2; exit 3"]);
    if (!real) {
      expect(result).toMatchObject({ exitCode: 0, stdout: "", timedOut: false, simulated: true });
      expect(result.stderr).toContain("[simulator] command not executed");
      return;
    }
    expect(result).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n", timedOut: false, simulated: false });
    const env = await driver.exec(mainId, ["sh", "-c", "echo $GREETING $EXTRA"], { env: { EXTRA: "there" } });
    expect(env).toMatchObject({ exitCode: 0, stdout: "hello there\n", stderr: "" });
    const piped = await driver.exec(mainId, ["sh", "-c", "cat; echo done >&2"], { stdin: "piped in\n" });
    expect(piped).toMatchObject({ exitCode: 0, stdout: "piped in\n", stderr: "done\n" });
  });

  test("exec gives up after timeoutMs and says so", async () => {
    const started = Date.now();
    const result = await driver.exec(mainId, ["sh", "-c", "echo early; sleep 5"], { timeoutMs: 300 });
    if (!real) {
      expect(result.simulated).toBe(true);
      return;
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ exitCode: null, timedOut: true, stdout: "early\n" });
  });

  test("a file written into the volume is read by a second container", async () => {
    await driver.exec(mainId, ["sh", "-c", "echo shared-data > /data/note.txt"]);
    const { id } = await driver.create({
      name: `ac-test-${run}-reader`,
      image: TEST_IMAGE,
      cmd: ["cat", "/data/note.txt"],
      labels: { ...runLabel, role: "reader" },
      init: true,
      mounts: [{ type: "volume", source: volumeName, target: "/data", readOnly: true }],
    });
    await driver.start(id);
    if (!real) {
      expect((await driver.inspect(id)).state).toBe("running");
      await rejectsWith("CONFLICT", driver.removeVolume(volumeName));
      return;
    }
    const info = await waitForState(driver, id, "exited");
    expect(info.exitCode).toBe(0);
    expect(await driver.logs(id)).toBe("shared-data\n");
    // in use, even by a stopped container
    await rejectsWith("CONFLICT", driver.removeVolume(volumeName));
  });

  test("logs: stdout and stderr of the main process, tail", async () => {
    const logs = await driver.logs(mainId);
    if (!real) {
      expect(logs).toContain("[simulator] started");
      expect(logs).toContain("command not run");
      return;
    }
    expect(logs).toContain("booted\n");
    expect(logs).toContain("warned\n");
    expect(await driver.logs(mainId, { tail: 1 })).toBe("warned\n");
  });

  test("list containers and volumes by label", async () => {
    const all = await driver.listByLabel(runLabel);
    expect(all.map((c) => c.name).sort()).toEqual([`ac-test-${run}-main`, `ac-test-${run}-reader`]);
    const main = await driver.listByLabel({ ...runLabel, role: "main" });
    expect(main).toHaveLength(1);
    expect(main[0]).toMatchObject({ id: mainId, image: TEST_IMAGE, state: "running", labels: { role: "main" } });
    expect(await driver.listByLabel({ ...runLabel, role: "nobody" })).toEqual([]);
    const volumes = await driver.listVolumes(runLabel);
    expect(volumes).toEqual([{ name: volumeName, labels: { ...runLabel, purpose: "data" }, createdAt: expect.any(String) }]);
    // Every label must match, as with Docker (Podman 4 answers volumes matching any one of them).
    expect(await driver.listVolumes({ ...runLabel, purpose: "other" })).toEqual([]);
    expect(await driver.listByLabel({ ...runLabel, role: "main", purpose: "other" })).toEqual([]);
  });

  test("a running container is not removed without force", async () => {
    await rejectsWith("CONFLICT", driver.remove(mainId));
  });

  test("stop is prompt; the exited state has an exit code; exec then is a CONFLICT", async () => {
    const started = Date.now();
    await driver.stop(mainId, 10);
    expect(Date.now() - started).toBeLessThan(3_000);
    await driver.stop(mainId, 10); // not running: no-op
    const info = await driver.inspect(mainId);
    expect(info.state).toBe("exited");
    expect(typeof info.exitCode).toBe("number");
    expect(info.finishedAt).not.toBeNull();
    await rejectsWith("CONFLICT", driver.exec(mainId, ["true"]));
  });

  test("remove with volumes drops anonymous volumes; named volumes go with removeVolume", async () => {
    const before = new Set((await driver.listVolumes({})).map((v) => v.name));
    const { id } = await driver.create({
      name: `ac-test-${run}-anon`,
      image: TEST_IMAGE,
      cmd: ["true"],
      labels: runLabel,
      mounts: [{ type: "volume", target: "/scratch" }],
    });
    const anonymous = (await driver.listVolumes({})).map((v) => v.name).filter((name) => !before.has(name));
    expect(anonymous).toHaveLength(1);
    await driver.remove(id, { force: true, volumes: true });
    const after = new Set((await driver.listVolumes({})).map((v) => v.name));
    expect(anonymous.filter((name) => after.has(name))).toEqual([]);

    for (const container of await driver.listByLabel(runLabel)) {
      await driver.remove(container.id, { force: true, volumes: true });
    }
    await driver.removeVolume(volumeName);
    expect(await driver.listVolumes(runLabel)).toEqual([]);
    await rejectsWith("NOT_FOUND", driver.removeVolume(volumeName));
  });

  test("a removed container is NOT_FOUND everywhere", async () => {
    await rejectsWith("NOT_FOUND", driver.inspect(mainId));
    await rejectsWith("NOT_FOUND", driver.start(mainId));
    await rejectsWith("NOT_FOUND", driver.stop(mainId));
    await rejectsWith("NOT_FOUND", driver.exec(mainId, ["true"]));
    await rejectsWith("NOT_FOUND", driver.logs(mainId));
    await rejectsWith("NOT_FOUND", driver.remove(mainId, { force: true }));
    expect(await driver.listByLabel(runLabel)).toEqual([]);
  });

  test("a failed pull rejects (the engine reports it inside the progress stream)", async () => {
    if (!real) return;
    // Loopback port 1: refused at once, no traffic leaves the machine.
    const error = await rejectsWith("BAD_GATEWAY", driver.pullImage("127.0.0.1:1/agent-cloud/absent:1"));
    expect(error.message).toContain("pulling image 127.0.0.1:1/agent-cloud/absent:1 failed");
  });
}
