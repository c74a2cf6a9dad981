import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";

/** Where the platform servers keep their data for one benchmark run; removed by `dispose`. */
export interface BenchBackend {
  kind: "pglite" | "postgres";
  /** For the report: a directory, or the scratch database's name. */
  location: string;
  /** Environment for the platform servers (DATA_DIR, DATABASE_URL). */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * PGlite in a temporary directory, or — given a PostgreSQL URL — a scratch database
 * `bench_<random>` created on that server and dropped afterwards. Migrations run when the first
 * platform server starts (they are idempotent, so later servers find them applied).
 */
export async function prepareBackend(databaseUrl: string | undefined): Promise<BenchBackend> {
  const dataDir = mkdtempSync(join(tmpdir(), "agent-cloud-bench-"));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (!databaseUrl) {
    return {
      kind: "pglite",
      location: join(dataDir, "pglite"),
      env: { DATA_DIR: dataDir, DATABASE_URL: "" },
      dispose: async () => removeDir(),
    };
  }
  const name = `bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await withAdmin(databaseUrl, (admin) => admin.unsafe(`create database "${name}"`));
  const scratch = new URL(databaseUrl);
  scratch.pathname = `/${name}`;
  return {
    kind: "postgres",
    location: `${scratch.host}/${name}`,
    env: { DATA_DIR: dataDir, DATABASE_URL: scratch.toString() },
    dispose: async () => {
      removeDir();
      await withAdmin(databaseUrl, (admin) => admin.unsafe(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function withAdmin(url: string, work: (admin: SQL) => Promise<unknown>): Promise<void> {
  const admin = new SQL({ url, max: 1 });
  try {
    await work(admin);
  } finally {
    await admin.close();
  }
}
