import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { deviceFixtureImage } from "../support/device-image.ts";
import { engineDockerHost } from "../support/engine.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { readSse, waitFor } from "./session-helpers.ts";

/**
 * A session driven the way a user's project would: through the typed client, with the APK install
 * (kept in the blob store) and, with Redis, the events reaching a subscriber on another replica.
 */
const dockerHost = await engineDockerHost();

describe.skipIf(!dockerHost)("sessions through the typed client", () => {
  let t: TestPlatform;
  let image: string;
  beforeAll(async () => {
    image = await deviceFixtureImage();
    t = await startTestPlatform({
      env: { DOCKER_HOST: dockerHost!, CONTAINER_DRIVER: "docker", DEVICE_IMAGE: image, DEVICE_BOOT_TIMEOUT_S: "30", SESSION_RECONCILE_MS: "500" },
    });
  }, 120_000);
  afterAll(() => t.stop());

  test("create, follow, install an APK, end", async () => {
    const { key, headers } = await createUserWithKey(t);
    const client = t.client(key);
    const session = await client.sessions.create.mutate();
    expect(session.status).toBe("queued");

    const types: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = client.sessions.events.subscribe(
        { id: session.id },
        {
          onData(event) {
            types.push(event.data.type);
            if (event.data.type === "active" || event.data.type === "error") {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(types).toEqual(["redroid_starting", "adb_handshake", "gateway_starting", "active"]);
    expect(await client.sessions.get.query({ id: session.id })).toMatchObject({ status: "active", driver: "docker" });

    const apk = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...crypto.getRandomValues(new Uint8Array(2048))]);
    const installed = await client.sessions.install.mutate({ id: session.id, apk_base64: Buffer.from(apk).toString("base64") });
    expect(installed).toMatchObject({ ok: true, output: "Success" });
    expect(installed.object_key).toMatch(/^apks\/usr_[^/]+\/[0-9a-f]{64}\.apk$/);
    expect(await t.platform.services.blobs.get(installed.object_key)).toEqual(apk);

    // The device refuses what is not an APK: the gateway says so, in the mobile error shape.
    const refused = await t.request(`/api/sessions/${session.id}/install`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ apk_base64: Buffer.from("not a zip").toString("base64") }),
    });
    expect(refused.status).toBe(502);
    const body = await json<{ error: string; code: string }>(refused);
    expect(body.code).toBe("bad_gateway");
    expect(body.error).toContain("INSTALL_PARSE_FAILED_NOT_APK");

    // Another user's client gets NOT_FOUND for every call on this session.
    const stranger = t.client((await createUserWithKey(t)).key);
    const strangerCalls = [
      () => stranger.sessions.get.query({ id: session.id }),
      () => stranger.sessions.shell.mutate({ id: session.id, command: "id" }),
      () => stranger.sessions.end.mutate({ id: session.id }),
    ];
    for (const call of strangerCalls) {
      const error: unknown = await call().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect(error instanceof TRPCClientError ? error.data : null).toMatchObject({ code: "NOT_FOUND", httpStatus: 404 });
    }

    const ended = await client.sessions.end.mutate({ id: session.id });
    expect(ended).toMatchObject({ status: "ended", sync_status: "synced" });
  }, 90_000);

  test.skipIf(!process.env.REDIS_URL)("a subscriber on another replica sees the session's events", async () => {
    const replica = await startTestPlatform({
      database: t.database,
      env: { DOCKER_HOST: dockerHost!, CONTAINER_DRIVER: "docker", DEVICE_IMAGE: image, SESSION_RECONCILE_MS: "500" },
    });
    try {
      const { key, headers } = await createUserWithKey(t);
      const session = await t.client(key).sessions.create.mutate();
      // Follow on the replica; whichever replica's worker claims the allocation, the events reach it.
      const stream = await replica.request(`/api/sessions/${session.id}/stream`, { headers });
      const seen = await readSse(stream, (e) => e.event === "active" || e.event === "error");
      expect(seen.map((e) => e.event)).toEqual(["redroid_starting", "adb_handshake", "gateway_starting", "active"]);

      const follow = await replica.request(`/api/sessions/${session.id}/stream`, { headers: { ...headers, "last-event-id": "4" } });
      const ending = readSse(follow, (e) => e.event === "ended");
      await waitFor(async () => (await t.client(key).sessions.end.mutate({ id: session.id })).status === "ended", 30_000, "ended");
      expect((await ending).map((e) => [e.id, e.event])).toEqual([["5", "ended"]]);
    } finally {
      await replica.stop();
    }
  }, 90_000);
});
