import { makeDataDirPrivate, tightenTree } from "./data-dir.ts";
import { PGlite } from "@electric-sql/pglite";
import { SQL } from "bun";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzleBunSql } from "drizzle-orm/bun-sql";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** The one database type every service takes; PGlite and PostgreSQL both satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Helpers take either, so a caller decides the transaction boundary. */
export type DbOrTx = Db | Tx;

export interface DatabaseHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where the data lives, for logs: a directory, "memory", or the URL without its password. */
  location: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: "postgres"; url: string; max?: number }
  | { kind: "pglite"; dataDir: string | "memory" };

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    // Pool size: `target.max`, else `?max=` on the URL, else Bun's default (10).
    const client = new SQL({ url: target.url, idleTimeout: 30, ...(target.max ? { max: target.max } : {}) });
    const db = drizzleBunSql({ client, schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      location: redactUrl(target.url),
      ping: async () => {
        try {
          await client`select 1`;
          return true;
        } catch {
          return false;
        }
      },
      close: () => client.close({ timeout: 5 }),
    };
  }
  if (target.dataDir !== "memory") makeDataDirPrivate(target.dataDir);
  const client = target.dataDir === "memory" ? new PGlite() : new PGlite(target.dataDir);
  await client.waitReady;
  // A new database's first files come from PGlite's image with mode 0666; later ones follow the umask.
  if (target.dataDir !== "memory") tightenTree(target.dataDir);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    kind: "pglite",
    location: target.dataDir,
    ping: async () => {
      if (closed) return false;
      try {
        await client.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable url)";
  }
}
