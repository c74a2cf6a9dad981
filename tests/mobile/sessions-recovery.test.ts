import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import S3rver from "s3rver";
import { openDatabase } from "../../db/connection.ts";
import { migrateDatabase } from "../../db/migrate.ts";
import { deviceSessions, queueJobs, skillVersions } from "../../db/schema/index.ts";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { FINISH_QUEUE } from "../../src/domains/sessions/finish.ts";
import { reconcileSessions } from "../../src/domains/sessions/reconciler.ts";
import { createS3BlobStore } from "../../src/platform/blobs/s3.ts";
import { createTestDatabase, testDatabaseUrl } from "../support/database.ts";
import { deviceFixtureImage, withBootDelay } from "../support/device-image.ts";
import { engineDockerHost } from "../support/engine.ts";
import { createUserWithKey, createUserWithKeyIn } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { spawnServer, type ServerProcess } from "../support/server-process.ts";
import { deviceLabels, readSse, sessionJson, waitFor } from "./session-helpers.ts";

/**
 * Crash recovery of device allocation, with the real server as a child process on the real
 * engine: SIGKILL it mid-allocation, start it again on the same database, and the session must
 * finish starting or fail cleanly — never stay starting, never leave a device behind, never
 * repeat a lifecycle event.
 */
const dockerHost = await engineDockerHost();
const LIFECYCLE = ["redroid_starting", "adb_handshake", "gateway_starting", "active"];
const STARTING = ["queued", "redroid_starting", "adb_handshake", "gateway_starting"];
/** Long enough that the kill (within a poll of seeing `adb_handshake`) lands before boot completes. */
const BOOT_DELAY_MS = 8_000;

type Session = { id: string; status: string; error: string | null; sync_status: string | null; device: { container_id: string | null } | null };

describe.skipIf(!dockerHost)("a server killed during allocation", () => {
  let engine: DockerContainerDriver;
  let image: string;
  let slowBootImage: string;
  /** A migrated PGlite directory, copied for each deployment (a fresh one takes seconds to create). */
  let pgliteTemplate: string | undefined;
  const servers: ServerProcess[] = [];
  const pools: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    engine = new DockerContainerDriver({ dockerHost: dockerHost! });
    image = await deviceFixtureImage();
    slowBootImage = await withBootDelay(image, BOOT_DELAY_MS);
    if (!testDatabaseUrl) {
      const dir = mkdtempSync(join(tmpdir(), "agent-cloud-pglite-"));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const handle = await openDatabase({ kind: "pglite", dataDir: join(dir, "pglite") });
      await migrateDatabase(handle);
      await handle.close();
      pgliteTemplate = join(dir, "pglite");
    }
  }, 120_000);

  afterAll(async () => {
    for (const server of servers) await server.kill();
    for (const pool of pools) {
      const { containers, volumes } = await poolDevices(engine, pool);
      for (const c of containers) await engine.remove(c.id, { force: true, volumes: true }).catch(() => {});
      for (const v of volumes) await engine.removeVolume(v.name).catch(() => {});
    }
    for (const cleanup of cleanups) await cleanup();
  }, 60_000);

  /** A deployment: its own database (PGlite under DATA_DIR, or a PostgreSQL test database), pool and user. */
  async function deployment() {
    const dataDir = mkdtempSync(join(tmpdir(), "agent-cloud-recovery-"));
    const pool = `recovery-${crypto.randomUUID().slice(0, 12)}`;
    pools.push(pool);
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      LOG_LEVEL: "debug",
      SIGNING_SECRET: "recovery-test-signing-secret-0123456789abcdef",
      DOCKER_HOST: dockerHost!,
      CONTAINER_DRIVER: "docker",
      DEVICE_POOL: pool,
      DEVICE_BOOT_TIMEOUT_S: "60",
      SESSION_RECONCILE_MS: "300",
      SESSION_ALLOCATE_LEASE_MS: "1000",
      QUEUE_POLL_MS: "50",
      SHUTDOWN_GRACE_MS: "2000",
    };
    if (process.env.REDIS_URL) Object.assign(env, { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `test:${pool}:` });
    let headers: Record<string, string>;
    if (testDatabaseUrl) {
      const database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
      ({ headers } = await createUserWithKeyIn(database.handle.db));
      cleanups.push(() => database.drop());
    } else {
      // The server persists PGlite under DATA_DIR; the test closes it before the server opens it.
      cpSync(pgliteTemplate!, join(dataDir, "pglite"), { recursive: true });
      const handle = await openDatabase({ kind: "pglite", dataDir: join(dataDir, "pglite") });
      ({ headers } = await createUserWithKeyIn(handle.db));
      await handle.close();
    }
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    return { env, pool, headers };
  }

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const server = await spawnServer(env);
    servers.push(server);
    return server;
  }

  /** Runs a test body; if it fails, the servers it started print their last log lines. */
  async function diagnosed(work: () => Promise<void>): Promise<void> {
    const before = servers.length;
    try {
      await work();
    } catch (error) {
      for (const server of servers.slice(before)) console.error(`server ${server.pid}:\n${server.logs.slice(-60).join("\n")}`);
      throw error;
    }
  }

  async function getSession(server: ServerProcess, id: string, headers: Record<string, string>): Promise<Session> {
    const res = await fetch(`${server.url}/api/sessions/${id}`, { headers });
    expect(res.status).toBe(200);
    return (await res.json()) as Session;
  }

  /** The pool holds exactly the devices of `live` (each running, with its volume) and nothing else. */
  async function expectPoolHolds(pool: string, live: Session[]): Promise<void> {
    const wanted = { containers: live.map((s) => s.id).sort(), volumes: live.map((s) => s.id).sort() };
    let state: typeof wanted | undefined;
    const seen = await waitFor(
      async () => {
        const { containers, volumes } = await poolDevices(engine, pool);
        state = {
          containers: containers.map((c) => c.labels["agent-cloud.session"] ?? "?").sort(),
          volumes: volumes.map((v) => v.labels["agent-cloud.session"] ?? "?").sort(),
        };
        return Bun.deepEquals(state, wanted) ? { containers, volumes } : null;
      },
      20_000,
      "the pool to hold exactly the live sessions' devices",
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}: wanted ${JSON.stringify(wanted)}, pool ${pool} holds ${JSON.stringify(state)}`);
    });
    for (const session of live) {
      const container = seen.containers.find((c) => c.labels["agent-cloud.session"] === session.id)!;
      expect(container.id).toBe(session.device!.container_id!);
      expect((await engine.inspect(container.id)).state).toBe("running");
    }
  }

  /** Ends a live session (so its stream closes) and returns its whole event history. */
  /** The session once it has left its starting states (after a restart, the reconciler and the resumed job decide). */
  function settledSession(server: ServerProcess, id: string, headers: Record<string, string>): Promise<Session> {
    return waitFor(async () => {
      const s = await getSession(server, id, headers);
      return STARTING.includes(s.status) ? null : s;
    }, 45_000, "the session to leave its starting states");
  }

  async function historyAfterEnd(server: ServerProcess, session: Session, headers: Record<string, string>) {
    if (session.status === "active") {
      const ended = await fetch(`${server.url}/api/sessions/${session.id}`, { method: "DELETE", headers });
      expect(ended.status).toBe(200);
      expect(await ended.json()).toMatchObject({ status: "ended", sync_status: "synced" });
    }
    return readSse(await fetch(`${server.url}/api/sessions/${session.id}/stream`, { headers }), () => false, 10_000);
  }

  /** Either allocation resumed (the full lifecycle once, then ended) or it failed with a reason. */
  async function expectCleanOutcome(server: ServerProcess, pool: string, session: Session, headers: Record<string, string>) {
    expect(STARTING).not.toContain(session.status);
    if (session.status === "error") expect(session.error).toBeTruthy();
    else expect(session.status).toBe("active");
    await expectPoolHolds(pool, session.status === "active" ? [session] : []);

    const history = await historyAfterEnd(server, session, headers);
    const types = history.map((e) => e.event);
    expect(new Set(types).size).toBe(types.length);
    expect(history.map((e) => e.id)).toEqual(types.map((_, i) => String(i + 1)));
    if (session.status === "active") expect(types).toEqual([...LIFECYCLE, "ended"]);
    else expect(types).toEqual([...LIFECYCLE.slice(0, types.length - 1), "error"]);
    await expectPoolHolds(pool, []);
  }

  test("killed at adb_handshake: after a restart the allocation resumes on the same device, nothing left behind", () =>
    diagnosed(async () => {
      const { env, pool, headers } = await deployment();
      const first = await start({ ...env, DEVICE_IMAGE: slowBootImage });
      const created = await fetch(`${first.url}/api/sessions`, { method: "POST", headers });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as Session;

      // The device container runs and is still booting: the allocation job is waiting for it.
      await waitFor(async () => (await getSession(first, id, headers)).status === "adb_handshake", 30_000, "adb_handshake");
      const devices = await engine.listByLabel({ "agent-cloud.session": id });
      expect(devices).toHaveLength(1);
      await first.kill();

      const second = await start({ ...env, DEVICE_IMAGE: slowBootImage });
      const settled = await settledSession(second, id, headers);
      // The device was healthy, only slow: the resumed job brings it up.
      expect(settled).toMatchObject({ status: "active", error: null, device: { container_id: devices[0]!.id } });
      await expectCleanOutcome(second, pool, settled, headers);
      await second.stop();
    }), 90_000);

  test("killed at redroid_starting (volume made, no container yet): the allocation resumes, nothing left behind", () =>
    diagnosed(async () => {
      const { env, pool, headers } = await deployment();
      // The first server's image is missing (and cannot be pulled), so its allocation never gets
      // past creating the container: the kill lands while the session is redroid_starting with only
      // its volume made.
      const missing = `localhost/agent-cloud/adb-device:missing-${crypto.randomUUID().slice(0, 8)}`;
      const first = await start({ ...env, DEVICE_IMAGE: missing });
      const created = await fetch(`${first.url}/api/sessions`, { method: "POST", headers });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as Session;
      await waitFor(
        async () =>
          (await getSession(first, id, headers)).status === "redroid_starting" &&
          (await engine.listVolumes({ "agent-cloud.session": id })).length === 1,
        30_000,
        "redroid_starting with its volume",
      );
      expect(await engine.listByLabel({ "agent-cloud.session": id })).toEqual([]);
      await first.kill();

      const second = await start({ ...env, DEVICE_IMAGE: image });
      const settled = await settledSession(second, id, headers);
      // The image is there now and the job has attempts left: the allocation resumes.
      expect(settled).toMatchObject({ status: "active", error: null });
      await expectCleanOutcome(second, pool, settled, headers);
      await second.stop();
    }), 90_000);
});

/**
 * The pool's device containers and volumes. Filtered here as well as by the engine: Podman 4 lists
 * volumes carrying ANY of the label filters, so its answer includes other pools' volumes.
 */
async function poolDevices(engine: DockerContainerDriver, pool: string) {
  const labels: Record<string, string> = { "agent-cloud.role": "device", "agent-cloud.pool": pool };
  const inPool = (found: Record<string, string>) => Object.entries(labels).every(([key, value]) => found[key] === value);
  return {
    containers: (await engine.listByLabel(labels)).filter((c) => inPool(c.labels)),
    volumes: (await engine.listVolumes(labels)).filter((v) => inPool(v.labels)),
  };
}

describe.skipIf(!dockerHost)("ending a session while the blob store is down", () => {
  // s3rver's built-in account; the endpoint is a loopback port where nothing listens yet.
  const s3 = { bucket: "recovery-skills", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  let port: number;
  let s3Dir: string;
  let s3rver: S3rver | undefined;
  let t: TestPlatform;

  beforeAll(async () => {
    port = freeLoopbackPort();
    s3Dir = mkdtempSync(join(tmpdir(), "recovery-s3-"));
    t = await startTestPlatform({
      env: {
        DOCKER_HOST: dockerHost!,
        CONTAINER_DRIVER: "docker",
        DEVICE_IMAGE: await deviceFixtureImage(),
        DEVICE_BOOT_TIMEOUT_S: "30",
        SESSION_RECONCILE_MS: "500",
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_REGION: s3.region,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
    await s3rver?.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  test("the workspace is kept until a retried sync succeeds", async () => {
    const { headers } = await createUserWithKey(t);
    const { db, containers } = t.platform.services;
    const { id } = await json<{ id: string }>(await t.request("/api/sessions", { method: "POST", headers }));
    await waitFor(async () => (await sessionJson(t, id, headers)).status === "active", 30_000, "active");

    const skillPath = "/data/workspace/skills/send-sms/SKILL.md";
    const skill = "# Send SMS\nSends a text message.\n";
    const pushed = await t.request(`/api/sessions/${id}/files`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ path: skillPath, content_base64: Buffer.from(skill).toString("base64") }),
    });
    expect(pushed.status).toBe(200);

    const ending = await t.request(`/api/sessions/${id}`, { method: "DELETE", headers });
    expect(ending.status).toBe(200);
    expect(await json(ending)).toMatchObject({ status: "ending", sync_status: "retrying", end_reason: "ended by user", ended_at: null });
    const [row] = await db.select().from(deviceSessions).where(eq(deviceSessions.id, id));
    const { containerId, volumeName } = row!;
    expect(row!.syncError).toBeTruthy();

    // The queue has retried and failed again: still nothing destroyed, the file still on the device.
    const finishJob = and(eq(queueJobs.queue, FINISH_QUEUE), eq(queueJobs.key, `${id}:finish`));
    await waitFor(async () => {
      const [job] = await db.select().from(queueJobs).where(finishJob);
      return job && job.attempts >= 2 && job.status === "pending" && /skill sync failed/.test(job.lastError ?? "");
    }, 20_000, "a failed retry of the sync");
    expect(await sessionJson(t, id, headers)).toMatchObject({ status: "ending", sync_status: "retrying" });
    expect((await containers.inspect(containerId!)).state).toBe("running");
    expect((await containers.listVolumes(deviceLabels(id))).map((v) => v.name)).toContain(volumeName!);
    const onDevice = await containers.exec(containerId!, ["cat", skillPath]);
    expect(onDevice).toMatchObject({ exitCode: 0, stdout: skill });
    expect((await json<{ skills: unknown[] }>(await t.request("/api/skills", { headers }))).skills).toEqual([]);

    // The store comes back on the very address the platform was given.
    s3rver = new S3rver({ address: "127.0.0.1", port, silent: true, directory: s3Dir, configureBuckets: [{ name: s3.bucket, configs: [] }] });
    await s3rver.run();

    const ended = await waitFor(async () => {
      const s = await sessionJson(t, id, headers);
      return s.status === "ended" ? s : null;
    }, 45_000, "the retried sync to end the session");
    expect(ended).toMatchObject({ sync_status: "synced", end_reason: "ended by user" });

    const skills = await json<{ skills: Array<{ name: string; latest_version: number }> }>(await t.request("/api/skills", { headers }));
    expect(skills.skills).toEqual([expect.objectContaining({ name: "send-sms", latest_version: 1 })]);
    const versions = await db.select().from(skillVersions).where(eq(skillVersions.sessionId, id));
    expect(versions).toHaveLength(1);
    const bucket = createS3BlobStore({ ...s3, endpoint: `http://127.0.0.1:${port}` });
    expect(await bucket.exists(versions[0]!.objectKey)).toBe(true);

    expect(await containers.listByLabel(deviceLabels(id))).toEqual([]);
    expect((await containers.listVolumes(deviceLabels(id))).map((v) => v.name)).not.toContain(volumeName!);
    const history = await readSse(await fetch(`${t.url}/api/sessions/${id}/stream`, { headers }), () => false, 10_000);
    expect(history.map((e) => e.event)).toEqual([...LIFECYCLE, "ended"]);
  }, 90_000);
});

describe.skipIf(!dockerHost)("the reconciler and other deployments on the same engine", () => {
  test("it removes its own pool's orphan volumes and leaves other pools' alone", async () => {
    const t = await startTestPlatform({ env: { DOCKER_HOST: dockerHost!, CONTAINER_DRIVER: "docker", SESSION_RECONCILE_MS: "60000" } });
    const { containers, config } = t.platform.services;
    const volume = (pool: string) => {
      const session = `ses_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
      const labels = { "agent-cloud.session": session, "agent-cloud.role": "device", "agent-cloud.pool": pool };
      return { name: `agent-cloud-device-${session}-data`, labels };
    };
    const ours = volume(config.devices.pool);
    const theirs = volume(`other-${crypto.randomUUID().slice(0, 8)}`);
    try {
      for (const v of [ours, theirs]) await containers.createVolume(v);
      // Neither session is in this deployment's database: to it, both look like orphans.
      await reconcileSessions(t.platform.services);
      const left = (await containers.listVolumes({ "agent-cloud.role": "device" })).map((v) => v.name);
      expect(left).not.toContain(ours.name);
      expect(left).toContain(theirs.name);
    } finally {
      for (const v of [ours, theirs]) await containers.removeVolume(v.name).catch(() => {});
      await t.stop();
    }
  }, 30_000);
});

/** A loopback port nobody listens on (taken, then released). */
function freeLoopbackPort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
