import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { sandboxes } from "../../db/schema/index.ts";
import { SANDBOX_LABELS } from "../../drivers/sandbox/index.ts";
import { sandboxSecret } from "../../src/domains/sandboxes/lifecycle.ts";
import { findSandbox } from "../../src/domains/sandboxes/records.ts";
import { reconcileSandboxes } from "../../src/domains/sandboxes/reconciler.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { watchSecret } from "../support/secret-watch.ts";
import { call, callJson, runningSandbox, waitForSandbox, workspaceWithRoles, type SandboxBody, type WorkspaceFixture } from "./workspace-helpers.ts";

/**
 * Issue 13 item 2 without an engine: the simulator container driver runs nothing, so sandboxes are
 * simulated — every state, job and engine call happens, no program answers.
 */
let t: TestPlatform;
let fx: WorkspaceFixture;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", BASE_DOMAIN: "sandboxes.test", PUBLIC_URL: "https://cloud.example.test" } });
  fx = await workspaceWithRoles(t);
}, 120_000);
afterAll(() => t.stop());

const engine = () => t.platform.services.containers;
async function onEngine(sandboxId: string) {
  const containers = await engine().listByLabel({ [SANDBOX_LABELS.sandbox]: sandboxId });
  const volumes = await engine().listVolumes({ [SANDBOX_LABELS.sandbox]: sandboxId });
  return { containers: containers.map((c) => c.state), volumes: volumes.length };
}

describe("a sandbox's life: creating → running → paused → running → deleting → deleted", () => {
  let sandbox: SandboxBody;

  test("created by a developer: 201 creating, with its subdomain URL and no secret", async () => {
    const created = await call(t, fx.members.developer, "POST", `/api/workspaces/${fx.id}/sandboxes`, { name: "dev box", type: "openclaw" });
    expect(created.status).toBe(201);
    const body = (await created.json()) as SandboxBody & Record<string, unknown>;
    expect(body).toMatchObject({ workspace_id: fx.id, name: "dev box", type: "openclaw", kind: "cloud", status: "creating", error: null, driver: "simulator" });
    expect(body.id).toMatch(/^sbx_[0-9a-z]{20}$/);
    expect(body.url).toBe(`https://claw-${body.id.replace("_", "-")}.sandboxes.test`);
    expect(Object.keys(body).sort()).toEqual(["created_at", "deleted_at", "driver", "error", "id", "kind", "name", "paused_at", "running_at", "status", "type", "url", "workspace_id"]);
    const row = await findSandbox(t.platform.services.db, body.id);
    expect(row?.secretEncrypted).toMatch(/^v1\./);
    // The generated gateway token is never in an answer (the harness fails the file if it shows up).
    watchSecret(await sandboxSecret(t.platform.services, row!), { issuedByResponse: false });
    sandbox = await waitForSandbox(t, fx.members.viewer, body.id, (s) => s.status === "running");
    expect(await onEngine(sandbox.id)).toEqual({ containers: ["running"], volumes: 1 });
  });

  test("listed for every member, not for others", async () => {
    const list = await callJson<{ sandboxes: SandboxBody[] }>(t, fx.members.viewer, "GET", `/api/workspaces/${fx.id}/sandboxes`);
    expect(list.sandboxes.map((s) => s.id)).toContain(sandbox.id);
    expect((await call(t, fx.outsider, "GET", `/api/sandboxes/${sandbox.id}`)).status).toBe(404);
  });

  test("pause: the container goes, the volume stays; a second pause is a no-op, resume of a running one too", async () => {
    const paused = await callJson<SandboxBody>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/pause`);
    expect(paused.status).toBe("paused");
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 1 });
    expect((await callJson<SandboxBody>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/pause`)).status).toBe("paused");
  });

  test("resume: a new container on the same volume, running again", async () => {
    const resumed = await callJson<SandboxBody>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/resume`);
    expect(resumed.status).toBe("running");
    expect(await onEngine(sandbox.id)).toEqual({ containers: ["running"], volumes: 1 });
    expect((await callJson<SandboxBody>(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/resume`)).status).toBe("running");
  });

  test("exec and files on a simulated sandbox answer 503, saying why", async () => {
    const response = await call(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/exec`, { command: "echo hi" });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toContain("simulated");
  });

  test("delete: deleting at once, then deleted with nothing left on the engine", async () => {
    const deleting = await callJson<SandboxBody>(t, fx.members.developer, "DELETE", `/api/sandboxes/${sandbox.id}`);
    expect(deleting.status).toBe("deleting");
    const deleted = await waitForSandbox(t, fx.members.developer, sandbox.id, (s) => s.status === "deleted");
    expect(deleted.status).toBe("deleted");
    expect(await onEngine(sandbox.id)).toEqual({ containers: [], volumes: 0 });
    const list = await callJson<{ sandboxes: SandboxBody[] }>(t, fx.members.viewer, "GET", `/api/workspaces/${fx.id}/sandboxes`);
    expect(list.sandboxes.map((s) => s.id)).not.toContain(sandbox.id);
    expect((await call(t, fx.members.developer, "POST", `/api/sandboxes/${sandbox.id}/resume`)).status).toBe(409);
  });
});

test("pause and resume of a local sandbox are 400 (cloud only)", async () => {
  const made = await runningSandbox(t, fx.owner, fx.id);
  await t.platform.services.db.update(sandboxes).set({ kind: "local" }).where(eq(sandboxes.id, made.id));
  const pause = await call(t, fx.owner, "POST", `/api/sandboxes/${made.id}/pause`);
  expect(pause.status).toBe(400);
  expect(await pause.json()).toEqual({ error: "Pause and resume are for cloud sandboxes only" });
  expect((await call(t, fx.owner, "POST", `/api/sandboxes/${made.id}/resume`)).status).toBe(400);
  await t.platform.services.db.update(sandboxes).set({ kind: "cloud" }).where(eq(sandboxes.id, made.id));
});

test("deleting a workspace deletes its sandboxes (containers and volumes) first, then its rows", async () => {
  const team = await workspaceWithRoles(t, "doomed");
  const a = await runningSandbox(t, team.owner, team.id, "opencode");
  const b = await runningSandbox(t, team.members.developer, team.id, "openclaw");
  await callJson(t, team.owner, "POST", `/api/sandboxes/${b.id}/pause`);
  expect((await call(t, team.members.maintainer, "DELETE", `/api/workspaces/${team.id}`)).status).toBe(403);
  expect(await callJson(t, team.owner, "DELETE", `/api/workspaces/${team.id}`)).toEqual({ ok: true });
  expect([await onEngine(a.id), await onEngine(b.id)]).toEqual([
    { containers: [], volumes: 0 },
    { containers: [], volumes: 0 },
  ]);
  expect(await findSandbox(t.platform.services.db, a.id)).toBeNull();
  expect((await call(t, team.owner, "GET", `/api/workspaces/${team.id}`)).status).toBe(404);
  expect((await call(t, team.owner, "GET", `/api/sandboxes/${a.id}`)).status).toBe(404);
});

test("over SANDBOX_CAPACITY a create is 503 with Retry-After", async () => {
  const other = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", SANDBOX_CAPACITY: "0" } });
  try {
    const team = await workspaceWithRoles(other);
    const response = await call(other, team.owner, "POST", `/api/workspaces/${team.id}/sandboxes`, { name: "x", type: "opencode" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
  } finally {
    await other.stop();
  }
}, 120_000);

test("a running sandbox idle past SANDBOX_IDLE_PAUSE_MIN is paused by the reconciler; a proxied request counts as activity", async () => {
  const other = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", SANDBOX_IDLE_PAUSE_MIN: "5" } });
  try {
    const team = await workspaceWithRoles(other);
    const idle = await runningSandbox(other, team.owner, team.id);
    const busy = await runningSandbox(other, team.owner, team.id);
    const { db } = other.platform.services;
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await db.update(sandboxes).set({ lastActivityAt: longAgo }).where(eq(sandboxes.id, idle.id));
    await db.update(sandboxes).set({ lastActivityAt: longAgo }).where(eq(sandboxes.id, busy.id));
    // A request through the subdomain proxy (nothing answers behind a simulated sandbox: 502) is activity.
    const reply = await other.request("/", { headers: { host: new URL(busy.url).host, ...team.members.viewer.headers } });
    expect(reply.status).toBe(502);
    await reconcileSandboxes(other.platform.services);
    expect((await callJson<SandboxBody>(other, team.owner, "GET", `/api/sandboxes/${idle.id}`)).status).toBe("paused");
    expect((await callJson<SandboxBody>(other, team.owner, "GET", `/api/sandboxes/${busy.id}`)).status).toBe("running");
  } finally {
    await other.stop();
  }
}, 120_000);
