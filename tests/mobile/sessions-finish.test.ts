import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { deviceSessions } from "../../db/schema/index.ts";
import { finishSession } from "../../src/domains/sessions/finish.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { readSse, sessionJson, waitFor } from "./session-helpers.ts";

/** Ending is claimed with a lease: two finishers at once (a DELETE and a queued retry) do the work once. */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", SESSION_RECONCILE_MS: "60000" } });
});
afterAll(() => t.stop());

async function activeSession() {
  const { headers } = await createUserWithKey(t);
  const { id } = await json<{ id: string }>(await t.request("/api/sessions", { method: "POST", headers }));
  await waitFor(async () => (await sessionJson(t, id, headers)).status === "active", 20_000, "active");
  return { id, headers };
}

test("concurrent finishers: one ends the session, the other stands back; one ended event", async () => {
  const { id, headers } = await activeSession();
  const outcomes = await Promise.all([finishSession(t.platform.services, id, "ended by user"), finishSession(t.platform.services, id, "inactivity timeout")]);
  // Exactly one ends it. The other finds the lease held (in_progress) or, when the first finished
  // before it looked (two pool connections on PostgreSQL), the session already ended.
  expect(outcomes.filter((o) => o === "ended")).toHaveLength(1);
  expect(["in_progress", "already_ended"]).toContain(outcomes.find((o) => o !== "ended") ?? "(none)");
  const row = (await t.platform.services.db.select().from(deviceSessions).where(eq(deviceSessions.id, id)))[0]!;
  expect(row).toMatchObject({ status: "ended", syncStatus: "synced", finishLeaseUntil: null });
  expect(await finishSession(t.platform.services, id, "again")).toBe("already_ended");
  const history = await readSse(await t.request(`/api/sessions/${id}/stream`, { headers }));
  expect(history.filter((e) => e.event === "ended")).toHaveLength(1);
});

test("a lapsed lease (its finisher crashed) is taken over", async () => {
  const { id } = await activeSession();
  const { db } = t.platform.services;
  await db.update(deviceSessions).set({ status: "ending", syncStatus: "syncing", finishLeaseUntil: new Date(Date.now() + 60_000) }).where(eq(deviceSessions.id, id));
  expect(await finishSession(t.platform.services, id, "ended by user")).toBe("in_progress");
  await db.update(deviceSessions).set({ finishLeaseUntil: new Date(Date.now() - 1_000) }).where(eq(deviceSessions.id, id));
  expect(await finishSession(t.platform.services, id, "ended by user")).toBe("ended");
});
