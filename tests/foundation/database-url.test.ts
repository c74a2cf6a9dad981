import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { sql } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "../../db/connection.ts";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "../support/database.ts";

const SOCKET = "/var/run/postgresql/.s.PGSQL.5432";

// `?socket=` and `?max=` on DATABASE_URL, against the machine's PostgreSQL (TEST_DATABASE_URL).
describe.skipIf(!testDatabaseUrl)("DATABASE_URL options (PostgreSQL)", () => {
  let database: TestDatabase;
  const opened: DatabaseHandle[] = [];
  const open = async (params: Record<string, string>) => {
    const url = new URL(database.url as string);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const handle = await openDatabase({ kind: "postgres", url: url.toString() });
    opened.push(handle);
    return handle;
  };
  const firstRow = async <Row>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<Row | undefined> => {
    const result: unknown = await handle.db.execute(query);
    if (!Array.isArray(result)) throw new Error("expected the driver's rows");
    return result[0] as Row | undefined;
  };
  const backendPids = async (handle: DatabaseHandle, concurrent: number) => {
    const rows = await Promise.all(
      Array.from({ length: concurrent }, () => firstRow<{ pid: number }>(handle, sql`select pg_backend_pid() as pid, pg_sleep(0.2)`)),
    );
    return new Set(rows.map((row) => row?.pid));
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const handle of opened) await handle.close();
    await database.drop();
  });

  test("?max=N bounds the pool: 6 concurrent queries share 2 connections", async () => {
    const handle = await open({ max: "2" });
    expect((await backendPids(handle, 6)).size).toBe(2);
  });

  test("without ?max the pool opens up to 10 connections", async () => {
    const handle = await open({});
    expect((await backendPids(handle, 6)).size).toBe(6);
  });

  test.skipIf(!existsSync(SOCKET))("?socket= connects through PostgreSQL's Unix socket, not TCP", async () => {
    const viaSocket = await open({ socket: SOCKET });
    const overSocket = await firstRow<{ addr: string | null }>(viaSocket, sql`select inet_client_addr()::text as addr`);
    expect(overSocket?.addr).toBeNull();
    expect(await viaSocket.ping()).toBe(true);

    const viaTcp = await open({});
    const overTcp = await firstRow<{ addr: string | null }>(viaTcp, sql`select inet_client_addr()::text as addr`);
    expect(overTcp?.addr).not.toBeNull();
  });
});
