import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { engineDockerHost } from "../support/engine.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { callJson, runningSandbox, waitForSandbox, workspaceWithRoles, type WorkspaceFixture, clearTestPool, sandboxOnEngine } from "./workspace-helpers.ts";

/**
 * Issue 13, done-when, with the real programs: the images scripts/engine/build-sandbox-images.sh
 * builds (opencode 1.18, openclaw 2026.9) reach `running` through their own readiness checks, are
 * reached through their subdomains (HTTP, SSE, WebSocket), paused, resumed and deleted with nothing
 * left on the engine. Skipped (with a line) when the engine or the images are missing; openclaw
 * needs ~830 MB and minutes to start here, so it is started once.
 */
const OPENCODE_IMAGE = "localhost/agent-cloud/sandbox-opencode:test";
const OPENCLAW_IMAGE = "localhost/agent-cloud/sandbox-openclaw:test";
const dockerHost = await engineDockerHost();
const images = dockerHost
  ? await Promise.all([OPENCODE_IMAGE, OPENCLAW_IMAGE].map((image) => new DockerContainerDriver({ dockerHost }).imageExists(image).catch(() => false)))
  : [false, false];
if (dockerHost && !images.every(Boolean)) console.warn("tests: the sandbox images are not built (scripts/engine/build-sandbox-images.sh); real-image sandbox tests are skipped");

describe.skipIf(!dockerHost || !images.every(Boolean))("sandboxes with the real opencode and openclaw", () => {
  let t: TestPlatform;
  let fx: WorkspaceFixture;
  let engine: DockerContainerDriver;

  beforeAll(async () => {
    engine = new DockerContainerDriver({ dockerHost: dockerHost! });
    t = await startTestPlatform({
      env: { CONTAINER_DRIVER: "docker", DOCKER_HOST: dockerHost!, SANDBOX_OPENCODE_IMAGE: OPENCODE_IMAGE, SANDBOX_OPENCLAW_IMAGE: OPENCLAW_IMAGE, BASE_DOMAIN: "sandboxes.test", SANDBOX_READY_TIMEOUT_S: "400" },
    });
    fx = await workspaceWithRoles(t);
  }, 180_000);
  afterAll(async () => {
    await clearTestPool(engine, t);
    await t.stop();
  }, 120_000);

  const onEngine = (sandboxId: string) => sandboxOnEngine(engine, sandboxId);

  test("opencode: running by GET /global/health, HTTP and SSE through oc-{id}, paused, resumed, deleted", async () => {
    const sandbox = await runningSandbox(t, fx.members.developer, fx.id, "opencode", 420_000);
    const host = new URL(sandbox.url).host;
    const health = await t.request("/global/health", { headers: { host, ...fx.members.viewer.headers } });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ healthy: true });

    // opencode's event stream: the first event arrives while the stream stays open.
    const controller = new AbortController();
    const events = await t.request("/event", { headers: { host, ...fx.members.viewer.headers }, signal: controller.signal });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("data:");
    controller.abort();

    await callJson(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/pause`);
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 1 });
    expect((await t.request("/global/health", { headers: { host, ...fx.members.viewer.headers } })).status).toBe(409);
    expect((await callJson<{ status: string }>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/resume`)).status).toBe("running");
    expect((await t.request("/global/health", { headers: { host, ...fx.members.viewer.headers } })).status).toBe(200);

    await callJson(t, fx.members.developer, "DELETE", `/api/sandboxes/${sandbox.id}`);
    await waitForSandbox(t, fx.members.developer, sandbox.id, (s) => s.status === "deleted", 120_000);
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 0 });
  }, 900_000);

  test("openclaw: running by GET /readyz, its gateway's WebSocket through claw-{id}, deleted", async () => {
    const sandbox = await runningSandbox(t, fx.owner, fx.id, "openclaw", 450_000);
    const host = new URL(sandbox.url).host;
    expect((await t.request("/readyz", { headers: { host, ...fx.members.viewer.headers } })).status).toBe(200);
    const ws = new WebSocket(`${t.url.replace("http", "ws")}/`, { headers: { host, ...fx.members.viewer.headers } } as unknown as string[]);
    // The gateway's first frame is its connect challenge, sent from the container through the proxy.
    const first = await new Promise<string>((resolve) => {
      ws.onmessage = (event) => resolve(String(event.data));
      ws.onerror = () => resolve("refused");
      setTimeout(() => resolve("timeout"), 30_000);
    });
    expect(JSON.parse(first)).toMatchObject({ type: "event", event: "connect.challenge" });
    ws.close();

    await callJson(t, fx.owner, "DELETE", `/api/sandboxes/${sandbox.id}`);
    await waitForSandbox(t, fx.owner, sandbox.id, (s) => s.status === "deleted", 120_000);
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 0 });
  }, 900_000);
});
