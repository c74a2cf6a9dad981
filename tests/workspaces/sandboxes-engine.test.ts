import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { engineDockerHost } from "../support/engine.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { sandboxStandInImage } from "../support/sandbox-stand-in.ts";
import { call, callJson, runningSandbox, waitForSandbox, workspaceWithRoles, type WorkspaceFixture, clearTestPool, sandboxOnEngine } from "./workspace-helpers.ts";

/**
 * Issue 13 items 2, 4 and 6 on the real engine (Podman at DOCKER_HOST), with the stand-in image
 * (busybox httpd answering each type's real readiness path on its real port, behind its real
 * credential): containers, volumes, readiness, pause/resume keeping the volume, exec and files,
 * the subdomain proxy into a real container, and nothing left after delete.
 */
const dockerHost = await engineDockerHost();

describe.skipIf(!dockerHost)("sandboxes on the container engine", () => {
  let t: TestPlatform;
  let fx: WorkspaceFixture;
  let engine: DockerContainerDriver;

  beforeAll(async () => {
    const image = await sandboxStandInImage();
    engine = new DockerContainerDriver({ dockerHost: dockerHost! });
    t = await startTestPlatform({
      env: { CONTAINER_DRIVER: "docker", DOCKER_HOST: dockerHost!, SANDBOX_OPENCODE_IMAGE: image, SANDBOX_OPENCLAW_IMAGE: image, BASE_DOMAIN: "sandboxes.test", SANDBOX_READY_TIMEOUT_S: "60" },
    });
    fx = await workspaceWithRoles(t);
  }, 180_000);
  afterAll(async () => {
    await clearTestPool(engine, t);
    await t.stop();
  }, 60_000);

  const onEngine = (sandboxId: string) => sandboxOnEngine(engine, sandboxId);

  test("opencode: running after its Basic-auth readiness check; exec, files, proxy; state survives pause/resume; delete leaves nothing", async () => {
    const sandbox = await runningSandbox(t, fx.members.developer, fx.id, "opencode", 90_000);
    expect(sandbox.driver).toBe("docker");
    expect(await onEngine(sandbox.id)).toEqual({ containers: ["running"], volumes: 1 });

    const exec = await callJson<{ exit_code: number; stdout: string; stderr: string; timed_out: boolean }>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/exec`, {
      command: "echo out; echo err >&2; exit 3",
    });
    expect(exec).toMatchObject({ exit_code: 3, stdout: "out\n", stderr: "err\n", timed_out: false });
    const env = await callJson<{ stdout: string }>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/exec`, { command: ["sh", "-c", "echo $ANTHROPIC_BASE_URL"] });
    expect(env.stdout.trim()).toMatch(/\/proxy\/anthropic$/);
    const slow = await callJson<{ timed_out: boolean; exit_code: number | null }>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/exec`, { command: "sleep 30", timeout_s: 1 });
    expect(slow).toMatchObject({ timed_out: true, exit_code: null });
    expect((await call(t, fx.members.viewer, "POST", `/api/sandboxes/${sandbox.id}/exec`, { command: "true" })).status).toBe(403);

    const bytes = new Uint8Array([0, 1, 2, 255, 10, 13]);
    const content = Buffer.from(bytes).toString("base64");
    await callJson(t, fx.members.developer, "PUT", `/api/sandboxes/${sandbox.id}/files`, { path: "/data/notes/state.bin", content_base64: content });
    expect(await callJson(t, fx.members.developer, "GET", `/api/sandboxes/${sandbox.id}/files?path=/data/notes/state.bin`)).toEqual({ path: "/data/notes/state.bin", size: 6, content_base64: content });
    expect((await call(t, fx.members.developer, "GET", `/api/sandboxes/${sandbox.id}/files?path=/nope`)).status).toBe(404);

    // The subdomain proxy into the real container: the platform's Basic auth opens /global/health.
    const host = new URL(sandbox.url).host;
    const health = await t.request("/global/health", { headers: { host, ...fx.members.viewer.headers } });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ healthy: true, version: "stand-in" });

    await callJson(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/pause`);
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 1 });
    expect((await t.request("/global/health", { headers: { host, ...fx.members.viewer.headers } })).status).toBe(409);
    const resumed = await callJson<{ status: string }>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/resume`);
    expect(resumed.status).toBe("running");
    expect(await callJson(t, fx.members.developer, "GET", `/api/sandboxes/${sandbox.id}/files?path=/data/notes/state.bin`)).toMatchObject({ content_base64: content });
    expect((await t.request("/global/health", { headers: { host, ...fx.members.viewer.headers } })).status).toBe(200);

    await callJson(t, fx.members.developer, "DELETE", `/api/sandboxes/${sandbox.id}`);
    await waitForSandbox(t, fx.members.developer, sandbox.id, (s) => s.status === "deleted", 60_000);
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 0 });
  }, 240_000);

  test("openclaw: running after GET /readyz; its workspace's deletion removes container and volume", async () => {
    const team = await workspaceWithRoles(t, "claw team");
    const sandbox = await runningSandbox(t, team.owner, team.id, "openclaw", 90_000);
    expect(await onEngine(sandbox.id)).toEqual({ containers: ["running"], volumes: 1 });
    const ready = await t.request("/readyz", { headers: { host: new URL(sandbox.url).host, ...team.members.viewer.headers } });
    expect(ready.status).toBe(200);
    expect(await callJson(t, team.owner, "DELETE", `/api/workspaces/${team.id}`)).toEqual({ ok: true });
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 0 });
  }, 240_000);

  test("a program that never gets ready ends in error, and a first start leaves nothing behind", async () => {
    const other = await startTestPlatform({
      env: { CONTAINER_DRIVER: "docker", DOCKER_HOST: dockerHost!, SANDBOX_OPENCODE_IMAGE: await sandboxStandInImage({ readyDelayS: 3600 }), SANDBOX_READY_TIMEOUT_S: "2" },
    });
    try {
      const team = await workspaceWithRoles(other);
      const created = await callJson<{ id: string }>(other, team.owner, "POST", `/api/workspaces/${team.id}/sandboxes`, { name: "never", type: "opencode" }, 201);
      const outcome = await waitForSandbox(other, team.owner, created.id, (s) => s.status === "running", 120_000).catch((error: Error) => error.message);
      expect(outcome).toContain("did not answer its readiness check within 2 s");
      // The error is recorded first, then the container and volume go.
      const deadline = Date.now() + 30_000;
      let left = await onEngine(created.id);
      while ((left.containers.length > 0 || left.volumes > 0) && Date.now() < deadline) {
        await Bun.sleep(200);
        left = await onEngine(created.id);
      }
      expect(left).toEqual({ containers: [], volumes: 0 });
    } finally {
      await other.stop();
    }
  }, 240_000);
});
