import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deviceSessions } from "../../db/schema/index.ts";
import { SimulatorContainerDriver } from "../../drivers/container/index.ts";
import { admitSession } from "../../src/domains/sessions/admission.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { createUserIn } from "../support/factories.ts";

/**
 * A session and its allocation job are written in one transaction: the reconciler fails a starting
 * session it finds without a job ("device allocation was lost"), so a session committed before its
 * job could be failed in the gap (seen on PostgreSQL in the recovery tests).
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

test("when queueing the allocation fails, no admitted session is left behind", async () => {
  const { db } = database.handle;
  const user = await createUserIn(db);
  const admit = (onAdmitted: Parameters<typeof admitSession>[0]["onAdmitted"]) =>
    admitSession({ db, containers: new SimulatorContainerDriver(), userId: user.id, clientIp: "127.0.0.1", perHour: 5, perIp: 2, capacity: 4, onAdmitted });

  await expect(admit(async () => Promise.reject(new Error("queue unavailable")))).rejects.toThrow("queue unavailable");
  expect(await db.select().from(deviceSessions).where(eq(deviceSessions.userId, user.id))).toEqual([]);

  let seenInTransaction: string | undefined;
  const admitted = await admit(async (_tx, session) => {
    seenInTransaction = session.id;
  });
  expect(seenInTransaction).toBe(admitted.id);
  expect(admitted.status).toBe("queued");
});
