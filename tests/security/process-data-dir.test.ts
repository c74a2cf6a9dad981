import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { spawnServer, type ServerProcess } from "../support/server-process.ts";

/**
 * Issue 9, findings 1 (bind), 4 (two processes on one DATA_DIR or one port) and 10 (permissions),
 * against the real server process (`bun src/server.ts`) on embedded PGlite.
 */
const SERVER_ENTRY = join(import.meta.dir, "../../src/server.ts");
const MIGRATE_ENTRY = join(import.meta.dir, "../../db/migrate-cli.ts");

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "agent-cloud-dd-"));
  dirs.push(dir);
  return join(dir, "data");
}

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await spawnServer({ CONTAINER_DRIVER: "simulator", ...env }, { startTimeoutMs: 60_000 });
  servers.push(server);
  return server;
}

/** A server start that is expected to fail: its exit code and everything it printed. */
async function startExpectingExit(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const base: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  const proc = Bun.spawn([process.execPath, SERVER_ENTRY], {
    env: { ...base, NODE_ENV: "test", HOST: "127.0.0.1", PORT: "0", CONTAINER_DRIVER: "simulator", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  // Bounded: a second server that listens instead of exiting is killed, and the test fails on its code.
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(60_000).then(() => false)]);
  if (!exited) proc.kill("SIGKILL");
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code: exited ? code : -1, output: stdout + stderr };
}

async function healthOf(server: ServerProcess): Promise<number> {
  return (await fetch(`${server.url}/health`)).status;
}

function groupOrOtherAccessible(root: string): string[] {
  const open: string[] = [];
  const walk = (path: string) => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if ((stats.mode & 0o077) !== 0) open.push(`${(stats.mode & 0o777).toString(8)} ${path}`);
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return open;
}

describe("listener", () => {
  test("HOST defaults to loopback; every interface is a deliberate setting", () => {
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
  });

  test("a second process cannot listen on a port the first one holds", async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const first = await start({ DATA_DIR: dataDir(), PORT: port });
    const second = await startExpectingExit({ DATA_DIR: dataDir(), PORT: port });
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBe(-1);
    expect(second.output).toContain("start-up failed");
    expect(await healthOf(first)).toBe(200);
  }, 150_000);
});

describe("one process per embedded DATA_DIR", () => {
  test("a second server on the same DATA_DIR exits non-zero naming the holder's PID; the first keeps serving", async () => {
    const dir = dataDir();
    const first = await start({ DATA_DIR: dir });
    const second = await startExpectingExit({ DATA_DIR: dir });
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBe(-1);
    expect(second.output).toContain(`pid ${first.pid}`);
    expect(second.output).toContain("DATA_DIR");
    expect(await healthOf(first)).toBe(200);

    // `bun run db:migrate` opens the same embedded database: it is refused too.
    const migrate = Bun.spawn([process.execPath, MIGRATE_ENTRY], { env: { PATH: process.env.PATH ?? "", DATA_DIR: dir }, stdout: "pipe", stderr: "pipe" });
    const [migrateOutput, migrateCode] = await Promise.all([new Response(migrate.stderr).text(), migrate.exited]);
    expect(migrateCode).toBe(1);
    expect(migrateOutput).toContain(`pid ${first.pid}`);
    expect(await healthOf(first)).toBe(200);
  }, 150_000);

  test("a SIGKILLed holder does not block the next start, and a graceful stop leaves no lock behind", async () => {
    const dir = dataDir();
    const first = await start({ DATA_DIR: dir });
    await first.kill();
    expect(existsSync(join(dir, "server.lock"))).toBe(true);

    const next = await start({ DATA_DIR: dir });
    expect(await healthOf(next)).toBe(200);
    await next.stop();
    expect(existsSync(join(dir, "server.lock"))).toBe(false);
  }, 150_000);
});

describe("DATA_DIR permissions", () => {
  test("a new DATA_DIR is 0700 and nothing under it is readable by group or others", async () => {
    const dir = dataDir();
    const server = await start({ DATA_DIR: dir });
    expect(await healthOf(server)).toBe(200);
    // A write, so the database has written more than its initial files.
    const signup = await fetch(`${server.url}/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "perm@example.com" }),
    });
    expect(signup.status).toBeLessThan(500);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toContain("pglite");
    expect(readdirSync(dir)).toContain("signing-secret");
    expect(groupOrOtherAccessible(dir)).toEqual([]);
  }, 150_000);

  test("an existing world-readable tree is tightened at start", async () => {
    const dir = dataDir();
    mkdirSync(join(dir, "blobs", "old"), { recursive: true });
    writeFileSync(join(dir, "blobs", "old", "file"), "x");
    chmodSync(join(dir, "blobs", "old", "file"), 0o666);
    chmodSync(join(dir, "blobs", "old"), 0o777);
    chmodSync(join(dir, "blobs"), 0o755);
    chmodSync(dir, 0o755);
    const server = await start({ DATA_DIR: dir });
    expect(await healthOf(server)).toBe(200);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(dir, "blobs", "old", "file")).mode & 0o777).toBe(0o600);
    expect(groupOrOtherAccessible(dir)).toEqual([]);
  }, 150_000);
});
