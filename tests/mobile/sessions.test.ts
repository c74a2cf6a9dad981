import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deviceSessions } from "../../db/schema/index.ts";
import { newId } from "../../src/platform/ids.ts";
import { deviceFixtureImage } from "../support/device-image.ts";
import { engineDockerHost } from "../support/engine.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { deviceLabels, readSse, sessionJson, waitFor } from "./session-helpers.ts";

/**
 * Cloud Android sessions end to end on the real container engine: the device is the fixture ADB
 * device running in a container made from the redroid spec (redroid itself needs binder).
 */
const dockerHost = await engineDockerHost();
const LIFECYCLE = ["redroid_starting", "adb_handshake", "gateway_starting", "active"];

describe.skipIf(!dockerHost)("sessions on the engine", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    const image = await deviceFixtureImage();
    t = await startTestPlatform({
      env: {
        DOCKER_HOST: dockerHost!,
        CONTAINER_DRIVER: "docker",
        DEVICE_IMAGE: image,
        DEVICE_BOOT_TIMEOUT_S: "30",
        SESSION_RECONCILE_MS: "500",
      },
    });
  }, 120_000);
  afterAll(() => t.stop());

  test("a session goes live, is driven, and ends with its skills saved", async () => {
    const { key, headers } = await createUserWithKey(t);
    const created = await t.request("/api/sessions", { method: "POST", headers });
    expect(created.status).toBe(201);
    const session = await json<{ id: string; status: string; stream_url: string; driver: string }>(created);
    expect(session).toMatchObject({ status: "queued", driver: "docker" });
    expect(session.stream_url).toBe(`${t.url}/api/sessions/${session.id}/stream`);

    // The same events through the typed client's subscription...
    const viaClient: Array<{ id: string; type: string }> = [];
    const clientDone = new Promise<void>((resolve, reject) => {
      const sub = t.client(key).sessions.events.subscribe(
        { id: session.id },
        {
          onData(event) {
            viaClient.push({ id: event.id, type: event.data.type });
            if (event.data.type === "active") {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    // ...and through the REST stream.
    const stream = await fetch(session.stream_url, { headers });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSse(stream, (e) => e.event === "active" || e.event === "error");
    await clientDone;
    expect(events.map((e) => e.event)).toEqual(LIFECYCLE);
    expect(events.map((e) => e.id)).toEqual(["1", "2", "3", "4"]);
    expect(viaClient).toEqual(events.map((e) => ({ id: e.id, type: e.event })));

    const live = await sessionJson(t, session.id, headers);
    expect(live).toMatchObject({ status: "active", driver: "docker" });
    const containerId = (live.device as { container_id: string }).container_id;
    const { containers } = t.platform.services;
    expect((await containers.inspect(containerId)).state).toBe("running");

    // The gateway returns the device's real output.
    const shell = await json<{ exit_code: number | null; stdout: string }>(
      await t.request(`/api/sessions/${session.id}/shell`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ command: "echo hello from the device" }) }),
    );
    expect(shell.stdout).toBe("hello from the device\n");
    const screenshot = await t.request(`/api/sessions/${session.id}/screenshot`, { headers });
    expect(screenshot.headers.get("content-type")).toBe("image/png");
    const png = new Uint8Array(await screenshot.arrayBuffer());
    expect([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    for (const [action, body] of [
      ["tap", { x: 10, y: 20 }],
      ["swipe", { x1: 1, y1: 2, x2: 3, y2: 4, duration_ms: 100 }],
      ["text", { text: "it's a \"test\"; rm -rf /" }],
      ["keyevent", { key: "KEYCODE_HOME" }],
    ] as const) {
      const res = await t.request(`/api/sessions/${session.id}/${action}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    const viaTrpc = await t.client(key).sessions.shell.mutate({ id: session.id, command: "getprop sys.boot_completed" });
    expect(viaTrpc.stdout.trim()).toBe("1");

    // The agent writes a skill into its workspace.
    const skill = "# Open camera\nOpens the camera app.\n";
    const pushed = await t.request(`/api/sessions/${session.id}/files`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ path: "/data/workspace/skills/open-camera/SKILL.md", content_base64: Buffer.from(skill).toString("base64") }),
    });
    expect(pushed.status).toBe(200);

    const ended = await t.request(`/api/sessions/${session.id}`, { method: "DELETE", headers });
    expect(ended.status).toBe(200);
    expect(await json(ended)).toMatchObject({ status: "ended", sync_status: "synced", end_reason: "ended by user" });

    // Skills were synced before the container and its volume went away.
    const skills = await json<{ skills: Array<{ name: string; latest_version: number }> }>(await t.request("/api/skills", { headers }));
    expect(skills.skills).toEqual([expect.objectContaining({ name: "open-camera", latest_version: 1 })]);
    const row = (await t.platform.services.db.select().from(deviceSessions).where(eq(deviceSessions.id, session.id)))[0]!;
    expect(await containers.listByLabel(deviceLabels(session.id))).toEqual([]);
    expect((await containers.listVolumes(deviceLabels(session.id))).map((v) => v.name)).not.toContain(row.volumeName);

    // A finished session's stream replays its history and closes; Last-Event-ID skips what was seen.
    const replay = await readSse(await fetch(session.stream_url, { headers }));
    expect(replay.map((e) => e.event)).toEqual([...LIFECYCLE, "ended"]);
    const resumed = await readSse(await fetch(session.stream_url, { headers: { ...headers, "last-event-id": "2" } }));
    expect(resumed.map((e) => e.id)).toEqual(["3", "4", "5"]);
  }, 90_000);

  test("one active session per user: a second is 429; another user's session is 404", async () => {
    const owner = await createUserWithKey(t);
    const other = await createUserWithKey(t);
    const first = await json<{ id: string }>(await t.request("/api/sessions", { method: "POST", headers: owner.headers }));
    const second = await t.request("/api/sessions", { method: "POST", headers: owner.headers });
    expect(second.status).toBe(429);
    expect(await json(second)).toEqual({ error: "Rate limited: 1 active session at a time; end it first", code: "rate_limited" });

    for (const [method, path] of [
      ["GET", `/api/sessions/${first.id}`],
      ["DELETE", `/api/sessions/${first.id}`],
      ["GET", `/api/sessions/${first.id}/stream`],
      ["GET", `/api/sessions/${first.id}/screenshot`],
    ] as const) {
      const res = await t.request(path, { method, headers: other.headers });
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 404 });
      expect(await json(res)).toEqual({ error: "Session not found", code: "not_found" });
    }
    const shell = await t.request(`/api/sessions/${first.id}/shell`, { method: "POST", headers: { ...other.headers, "content-type": "application/json" }, body: JSON.stringify({ command: "id" }) });
    expect(shell.status).toBe(404);

    await waitFor(async () => (await sessionJson(t, first.id, owner.headers)).status === "active", 30_000, "active");
    expect((await t.request(`/api/sessions/${first.id}`, { method: "DELETE", headers: owner.headers })).status).toBe(200);
  }, 60_000);

  test("five sessions per hour", async () => {
    const { user, headers } = await createUserWithKey(t);
    const { db } = t.platform.services;
    for (let i = 0; i < 5; i++) {
      await db.insert(deviceSessions).values({ id: newId("ses"), userId: user.id, status: "ended", driver: "docker", endedAt: new Date() });
    }
    const res = await t.request("/api/sessions", { method: "POST", headers });
    expect(res.status).toBe(429);
    expect((await json<{ error: string }>(res)).error).toBe("Rate limited: 5 sessions per hour");
  });

  test("an idle session ends itself after the owner's timeout", async () => {
    const { headers } = await createUserWithKey(t);
    const { id } = await json<{ id: string }>(await t.request("/api/sessions", { method: "POST", headers }));
    await waitFor(async () => (await sessionJson(t, id, headers)).status === "active", 30_000, "active");
    await t.platform.services.db
      .update(deviceSessions)
      .set({ lastActivityAt: new Date(Date.now() - 31 * 60_000) })
      .where(eq(deviceSessions.id, id));
    const ended = await waitFor(async () => {
      const s = await sessionJson(t, id, headers);
      return s.status === "ended" ? s : null;
    }, 20_000, "idle end");
    expect(ended.end_reason).toBe("inactivity timeout");
    expect(await t.platform.services.containers.listByLabel(deviceLabels(id))).toEqual([]);
  }, 60_000);
});

describe.skipIf(!dockerHost)("a device that cannot be allocated", () => {
  test("the session ends in error with a readable reason after its retries, nothing left on the engine", async () => {
    // No registry is reachable, so the pull of an image that is not here fails on every attempt.
    const missing = `localhost/agent-cloud/adb-device:missing-${crypto.randomUUID().slice(0, 8)}`;
    const t = await startTestPlatform({
      env: { DOCKER_HOST: dockerHost!, CONTAINER_DRIVER: "docker", DEVICE_IMAGE: missing, DEVICE_BOOT_TIMEOUT_S: "30" },
    });
    try {
      const { headers } = await createUserWithKey(t);
      const created = await t.request("/api/sessions", { method: "POST", headers });
      expect(created.status).toBe(201);
      const { id, stream_url } = await json<{ id: string; stream_url: string }>(created);
      const events = await readSse(await fetch(stream_url, { headers }), (event) => event.event === "error", 30_000);
      expect(events.map((event) => event.event)).toEqual(["redroid_starting", "error"]);
      const reason = String((events.at(-1)?.data.data as { reason?: string } | null)?.reason);
      expect(reason).toStartWith("device allocation failed: ");
      expect(reason).toContain(missing);
      expect(reason).not.toContain("AppError");
      expect(await sessionJson(t, id, headers)).toMatchObject({ status: "error", error: reason });
      // Whatever the failed attempts made on the engine is gone.
      const engine = t.platform.services.containers;
      await waitFor(async () => (await engine.listByLabel(deviceLabels(id))).length === 0 && (await engine.listVolumes(deviceLabels(id))).length === 0, 10_000, "no container or volume of the failed session");
    } finally {
      await t.stop();
    }
  }, 60_000);
});

describe("sessions without capacity", () => {
  test("no capacity answers 503 in the mobile error shape", async () => {
    const t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", DEVICE_CAPACITY: "0" } });
    try {
      const { headers } = await createUserWithKey(t);
      const res = await t.request("/api/sessions", { method: "POST", headers });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("30");
      expect(await json(res)).toMatchObject({ error: "No device capacity right now; try again shortly", code: "service_unavailable" });
      expect((await t.request("/api/sessions", { method: "POST" })).status).toBe(401);
    } finally {
      await t.stop();
    }
  });

  test("an engine that does not answer is 503", async () => {
    const t = await startTestPlatform({ env: { CONTAINER_DRIVER: "docker", DOCKER_HOST: "tcp://127.0.0.1:1" } });
    try {
      const { headers } = await createUserWithKey(t);
      const res = await t.request("/api/sessions", { method: "POST", headers });
      expect(res.status).toBe(503);
      expect((await json<{ error: string }>(res)).error).toContain("container engine is not reachable");
    } finally {
      await t.stop();
    }
  });
});
