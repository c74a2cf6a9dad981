import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AnyRouter } from "@trpc/server";
import { createClient } from "../../client/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { startPlatform, type RunningPlatform } from "../../src/start.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { createSecretTap } from "./secret-watch.ts";

/**
 * Boots the whole platform in-process on an ephemeral loopback port against a fresh database
 * (PGlite in memory, or PostgreSQL when TEST_DATABASE_URL is set), with Redis when REDIS_URL is
 * set. Every log line is captured so tests can assert on it; log lines and the bodies `request`
 * receives are scanned for the secrets test helpers made (secret-watch.ts) when it stops.
 */
export interface TestPlatform {
  url: string;
  platform: RunningPlatform;
  database: TestDatabase;
  logs: string[];
  /** fetch against the platform: `request("/health")`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  client(token?: string): ReturnType<typeof createClient>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  router?: AnyRouter;
  /** Share another test platform's database (a second replica). */
  database?: TestDatabase;
}

export async function startTestPlatform(options: StartOptions = {}): Promise<TestPlatform> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), "agent-cloud-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "debug",
    REDIS_URL: process.env.REDIS_URL,
    REDIS_PREFIX: `test:${database.id}:`,
    QUEUE_POLL_MS: "50",
    // Test platforms share one engine; each reconciles only its own devices.
    DEVICE_POOL: `test-${database.id}`,
    SHUTDOWN_GRACE_MS: "2000",
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", sink: (line) => logs.push(line) });
  const secrets = createSecretTap();
  let platform: RunningPlatform;
  try {
    platform = await startPlatform({
      config,
      logger,
      database: ownsDatabase ? database.handle : await database.connectAgain(),
      router: options.router,
    });
  } catch (error) {
    await secrets.leaks([]);
    throw error;
  }
  return {
    url: platform.url,
    platform,
    database,
    logs,
    async request(path, init) {
      const response = await fetch(`${platform.url}${path}`, init);
      secrets.response(response);
      return response;
    },
    client: (token) => createClient({ url: platform.url, token }),
    async stop() {
      let leaks: string[] = [];
      try {
        await platform.stop({ keepDatabase: true });
        if (ownsDatabase) await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      } finally {
        leaks = await secrets.leaks(logs);
      }
      if (leaks.length > 0) throw new Error(`Secrets leaked:\n  ${leaks.join("\n  ")}`);
    },
  };
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
