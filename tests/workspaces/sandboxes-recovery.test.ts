import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/connection.ts";
import { migrateDatabase } from "../../db/migrate.ts";
import { DockerContainerDriver } from "../../drivers/container/docker.ts";
import { SANDBOX_LABELS } from "../../drivers/sandbox/index.ts";
import { createTestDatabase, testDatabaseUrl } from "../support/database.ts";
import { engineDockerHost } from "../support/engine.ts";
import { createUserWithKeyIn } from "../support/factories.ts";
import { sandboxStandInImage } from "../support/sandbox-stand-in.ts";
import { spawnServer, type ServerProcess } from "../support/server-process.ts";

/**
 * Issue 13, done-when: killing the server while a sandbox is being created leaves no orphan
 * container or volume after restart. The real server runs as a child process on the real engine;
 * it is SIGKILLed while the sandbox's container runs but its program is not ready yet, then
 * started again on the same database: the start resumes on the same container (found by its
 * label) and the sandbox runs, with exactly one container and one volume; its deletion leaves none.
 */
const dockerHost = await engineDockerHost();

describe.skipIf(!dockerHost)("a server killed while a sandbox is created", () => {
  let engine: DockerContainerDriver;
  const servers: ServerProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  let pool = "";

  beforeAll(() => {
    engine = new DockerContainerDriver({ dockerHost: dockerHost! });
  });
  afterAll(async () => {
    for (const server of servers) await server.kill();
    for (const c of await engine.listByLabel({ [SANDBOX_LABELS.pool]: pool }).catch(() => [])) await engine.remove(c.id, { force: true, volumes: true }).catch(() => {});
    for (const v of await engine.listVolumes({ [SANDBOX_LABELS.pool]: pool }).catch(() => [])) await engine.removeVolume(v.name).catch(() => {});
    for (const cleanup of cleanups) await cleanup();
  }, 60_000);

  async function waitFor<T>(what: string, check: () => Promise<T | null>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await check();
      if (value !== null) return value;
      await Bun.sleep(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  test("the start resumes after a restart; one container, one volume; deletion leaves none", async () => {
    const image = await sandboxStandInImage({ readyDelayS: 6 });
    const dataDir = mkdtempSync(join(tmpdir(), "agent-cloud-sandbox-recovery-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    pool = `sbx-recovery-${crypto.randomUUID().slice(0, 12)}`;
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      LOG_LEVEL: "debug",
      SIGNING_SECRET: "sandbox-recovery-test-signing-secret-0123456789",
      DOCKER_HOST: dockerHost!,
      CONTAINER_DRIVER: "docker",
      DEVICE_POOL: pool,
      SANDBOX_OPENCODE_IMAGE: image,
      SANDBOX_READY_TIMEOUT_S: "60",
      SANDBOX_START_LEASE_MS: "1500",
      SANDBOX_RECONCILE_MS: "300",
      QUEUE_POLL_MS: "50",
      SHUTDOWN_GRACE_MS: "2000",
    };
    let headers: Record<string, string>;
    if (testDatabaseUrl) {
      const database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
      ({ headers } = await createUserWithKeyIn(database.handle.db));
      cleanups.push(() => database.drop());
    } else {
      const handle = await openDatabase({ kind: "pglite", dataDir: join(dataDir, "pglite") });
      await migrateDatabase(handle);
      ({ headers } = await createUserWithKeyIn(handle.db));
      await handle.close();
    }
    const json = { ...headers, "content-type": "application/json" };

    const first = await spawnServer(env, { startTimeoutMs: 120_000 });
    servers.push(first);
    try {
      const workspace = (await (await fetch(`${first.url}/api/workspaces`, { method: "POST", headers: json, body: JSON.stringify({ name: "crash" }) })).json()) as { id: string };
      const created = await fetch(`${first.url}/api/workspaces/${workspace.id}/sandboxes`, { method: "POST", headers: json, body: JSON.stringify({ name: "mid", type: "opencode" }) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      // Its container runs, its program is not ready yet: the start job is waiting on it.
      await waitFor("the sandbox's container", async () => ((await engine.listByLabel({ [SANDBOX_LABELS.sandbox]: id })).length === 1 ? true : null), 30_000);
      await first.kill();
      expect(((await (await fetch(`${first.url}/api/sandboxes/${id}`, { headers }).catch(() => null))?.status) ?? "down")).toBe("down");

      const second = await spawnServer(env, { startTimeoutMs: 120_000 });
      servers.push(second);
      const sandbox = await waitFor(
        "the sandbox to run",
        async () => {
          const body = (await (await fetch(`${second.url}/api/sandboxes/${id}`, { headers })).json()) as { status: string; error: string | null };
          if (body.status === "error") throw new Error(`the sandbox failed: ${body.error}`);
          return body.status === "running" ? body : null;
        },
        90_000,
      );
      expect(sandbox.status).toBe("running");
      expect((await engine.listByLabel({ [SANDBOX_LABELS.sandbox]: id })).map((c) => c.state)).toEqual(["running"]);
      expect(await engine.listVolumes({ [SANDBOX_LABELS.sandbox]: id })).toHaveLength(1);

      expect((await fetch(`${second.url}/api/sandboxes/${id}`, { method: "DELETE", headers })).status).toBe(200);
      await waitFor(
        "nothing of the sandbox on the engine",
        async () => {
          const containers = await engine.listByLabel({ [SANDBOX_LABELS.pool]: pool });
          const volumes = await engine.listVolumes({ [SANDBOX_LABELS.pool]: pool });
          return containers.length === 0 && volumes.length === 0 ? true : null;
        },
        30_000,
      );
    } catch (error) {
      for (const server of servers) console.error(`server ${server.pid}:\n${server.logs.slice(-40).join("\n")}`);
      throw error;
    }
  }, 420_000);
});
