import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/index.ts";

const root = join(import.meta.dir, "..", "..");

describe("configuration", () => {
  test("defaults: port 3000, ./data, embedded everything", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe("./data");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });

  test("a bad value names the variable", () => {
    expect(() => loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: "eighty", DATABASE_URL: "mysql://x" });
    } catch (error) {
      expect((error as ConfigError).problems.join("\n")).toContain("PORT");
      expect((error as ConfigError).problems.join("\n")).toContain("DATABASE_URL");
    }
  });

  test("the server refuses to start on bad config, saying which variable", async () => {
    const proc = Bun.spawn(["bun", "src/server.ts"], {
      cwd: root,
      env: { ...process.env, PORT: "not-a-port" },
      stderr: "pipe",
      stdout: "pipe",
    });
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stderr).text()).toContain("PORT");
  });
});

describe("the real process", () => {
  test("starts on embedded defaults, serves health, and drains a stream on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "agent-cloud-proc-"));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root" };
    const proc = Bun.spawn(["bun", "src/server.ts"], {
      cwd: root,
      env: { ...env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info", SHUTDOWN_GRACE_MS: "3000" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      let health: Response | undefined;
      for (let i = 0; i < 400 && !health; i++) {
        health = await fetch(`${base}/health`).catch(() => undefined);
        if (!health) await Bun.sleep(100);
      }
      expect(health?.status).toBe(200);
      expect(((await health!.json()) as { database: { kind: string } }).database.kind).toBe("pglite");
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
      expect((await fetch(`${base}/docs`)).status).toBe(200);

      const stream = await fetch(`${base}/trpc/health.watch?input=${encodeURIComponent('{"json":{"interval_s":60}}')}`);
      const reader = stream.body!.getReader();
      await reader.read();
      proc.kill("SIGTERM");
      // The stream ends on shutdown instead of holding the process open.
      let ended = false;
      for (let i = 0; i < 20 && !ended; i++) ended = (await reader.read()).done;
      expect(ended).toBe(true);
      expect(await proc.exited).toBe(0);
      const logs = await new Response(proc.stdout).text();
      const lines = logs.trim().split("\n").map((l) => JSON.parse(l) as { msg: string });
      expect(lines.map((l) => l.msg)).toContain("stopped");
    } finally {
      proc.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
