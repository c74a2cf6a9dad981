import { afterAll, describe, expect, test } from "bun:test";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { sandboxProgram, sandboxVolumeName, type SandboxType } from "../../drivers/sandbox/index.ts";
import { engineDockerHost } from "../support/engine.ts";

/**
 * The real sandbox images (scripts/engine/build-sandbox-images.sh) on the Podman engine: each
 * starts from the sandboxes driver's own container spec, with its real program, and passes that
 * program's readiness check (opencode `GET /global/health` with Basic auth, openclaw
 * `GET /readyz`); the program's credential is required. openclaw takes ~830 MB and tens of
 * seconds, so there is one start per image, one after the other. Without an engine, or without
 * the images (build them with `bash scripts/engine/build-sandbox-images.sh`), the tests skip and
 * say so.
 */
const IMAGES: Record<SandboxType, string> = {
  opencode: "localhost/agent-cloud/sandbox-opencode:test",
  openclaw: "localhost/agent-cloud/sandbox-openclaw:test",
};
/** Budget for a start on a loaded 2-core machine (openclaw alone needs ~15 s on an idle one). */
const READY_BUDGET_MS = 240_000;

const dockerHost = await engineDockerHost();
const driver = dockerHost ? new DockerContainerDriver({ dockerHost }) : undefined;
const present: Record<SandboxType, boolean> = { opencode: false, openclaw: false };
for (const type of ["opencode", "openclaw"] as const) {
  present[type] = driver ? await driver.imageExists(IMAGES[type]) : false;
  if (!dockerHost) console.warn(`tests: no container engine at DOCKER_HOST; the ${type} image test is skipped`);
  else if (!present[type]) console.warn(`tests: ${IMAGES[type]} is not built (bash scripts/engine/build-sandbox-images.sh ${type}); its test is skipped`);
}

const made: { container: string; volume: string }[] = [];
afterAll(async () => {
  for (const { container, volume } of made) {
    await driver?.remove(container, { force: true }).catch(() => {});
    await driver?.removeVolume(volume).catch(() => {});
  }
});

async function startAndWait(type: SandboxType) {
  const program = sandboxProgram(type);
  const sandboxId = `sbx_imagetest${type.slice(0, 4)}${Math.random().toString(36).slice(2, 8)}`;
  const secret = `secret-${crypto.randomUUID()}`;
  const spec = program.spec(
    { sandboxId, workspaceId: "ws_imagetest", secret, proxyToken: "acsbx_imagetest", anthropicBaseUrl: "http://host.containers.internal:9/proxy/anthropic" },
    { image: IMAGES[type], pool: "image-test" },
  );
  const began = performance.now();
  const { id } = await (driver as DockerContainerDriver).create(spec);
  made.push({ container: id, volume: sandboxVolumeName(sandboxId) });
  await (driver as DockerContainerDriver).start(id);
  const info = await (driver as DockerContainerDriver).inspect(id);
  const port = info.ports.find((p) => p.containerPort === program.port);
  expect(port).toBeDefined();
  const address = `127.0.0.1:${port?.hostPort}`;
  let ready = false;
  while (!ready && performance.now() - began < READY_BUDGET_MS) {
    ready = await program.ready(address, secret);
    if (!ready) {
      const state = await (driver as DockerContainerDriver).inspect(id);
      if (state.state !== "running") throw new Error(`${type} exited: ${await (driver as DockerContainerDriver).logs(id).catch(() => "")}`);
      await Bun.sleep(250);
    }
  }
  if (!ready) throw new Error(`${type} not ready within ${READY_BUDGET_MS} ms: ${await (driver as DockerContainerDriver).logs(id).catch(() => "")}`);
  console.info(`${type}: ready ${Math.round(performance.now() - began)} ms after create`);
  return { id, address, secret };
}

describe("sandbox images", () => {
  test.if(present.opencode)(
    "opencode: `opencode serve` answers GET /global/health with its Basic auth, and refuses a request without it",
    async () => {
      const { address, secret } = await startAndWait("opencode");
      const health = await fetch(`http://${address}/global/health`, { headers: sandboxProgram("opencode").credentialHeaders(secret) });
      expect(health.status).toBe(200);
      expect(((await health.json()) as { healthy: boolean }).healthy).toBe(true);
      const anonymous = await fetch(`http://${address}/global/health`);
      expect(anonymous.status).toBe(401);
      await anonymous.body?.cancel();
    },
    READY_BUDGET_MS + 60_000,
  );

  test.if(present.openclaw)(
    "openclaw: its gateway answers GET /readyz",
    async () => {
      const { address } = await startAndWait("openclaw");
      const ready = await fetch(`http://${address}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { ready: boolean }).ready).toBe(true);
    },
    READY_BUDGET_MS + 60_000,
  );
});
