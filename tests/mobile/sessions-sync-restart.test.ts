import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { deviceSessions, queueJobs } from "../../db/schema/index.ts";
import { FINISH_QUEUE } from "../../src/domains/sessions/finish.ts";
import { reconcileSessions } from "../../src/domains/sessions/reconciler.ts";
import { newId } from "../../src/platform/ids.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { sessionJson, waitFor } from "./session-helpers.ts";

/**
 * Finding 13: an ended session never stays `sync_status: "syncing"`. A process that dies while a
 * session's skills sync leaves it `ending`/`syncing` with a finish lease that lapses; the next
 * process (here a restart on the same database, on simulated devices, whose devices are gone with
 * the process that made them) must end it and say the sync failed. And a text command the device
 * cannot type is a 400 naming the field, not a 502.
 */
// One signing secret for both processes: it encrypts the device key kept in the shared database.
const env = { CONTAINER_DRIVER: "simulator", SESSION_RECONCILE_MS: "200", SIGNING_SECRET: "sync-restart-test-signing-secret-0123456789" };

let first: TestPlatform;
let second: TestPlatform | undefined;
beforeAll(async () => {
  // The first process must not finish the session itself before it stops: its reconciler runs only at start.
  first = await startTestPlatform({ env: { ...env, SESSION_RECONCILE_MS: "600000" } });
});
afterAll(async () => {
  await second?.stop();
  await first.stop();
});

async function activeSession(t: TestPlatform) {
  const { headers } = await createUserWithKey(t);
  const created = await t.request("/api/sessions", { method: "POST", headers });
  expect(created.status).toBe(201);
  const { id } = await json<{ id: string }>(created);
  await waitFor(async () => (await sessionJson(t, id, headers)).status === "active", 20_000, "active");
  return { id, headers };
}

/** What a finisher killed mid-sync leaves behind, once its lease has run out. */
async function leaveMidSync(t: TestPlatform, id: string, syncStatus: "syncing" | "retrying") {
  await t.platform.services.db
    .update(deviceSessions)
    .set({ status: "ending", syncStatus, endReason: "ended by user", finishLeaseUntil: sql`now() - interval '1 second'` })
    .where(eq(deviceSessions.id, id));
}

describe("a session whose sync was cut short", () => {
  test("a restart ends it with sync_status failed, never syncing; so does ending a session the restart left without its device", async () => {
    const survivor = await activeSession(first);
    const { id, headers } = await activeSession(first);
    await leaveMidSync(first, id, "syncing");
    await first.platform.stop({ keepDatabase: true });

    second = await startTestPlatform({ env, database: first.database });
    // Its simulated device went with the first process: ending it cannot sync anything.
    const endedByUser = await second.request(`/api/sessions/${survivor.id}`, { method: "DELETE", headers: survivor.headers });
    expect(endedByUser.status).toBe(200);
    expect(await json(endedByUser)).toMatchObject({ status: "ended", sync_status: "failed" });

    const ended = await waitFor(async () => {
      const session = await sessionJson(second!, id, headers);
      return session.status === "ended" ? session : null;
    }, 20_000, "the restarted platform to end the session");
    expect(ended).toMatchObject({ status: "ended", sync_status: "failed", end_reason: "ended by user" });
    const [row] = await second.platform.services.db.select().from(deviceSessions).where(eq(deviceSessions.id, id));
    expect(row?.syncError).toContain("device was gone");
  }, 60_000);

  test("a finish job that gave up does not leave the session ending forever", async () => {
    const t = second!;
    const { id, headers } = await activeSession(t);
    await leaveMidSync(t, id, "retrying");
    await t.platform.services.db.insert(queueJobs).values({
      id: newId("job"),
      queue: FINISH_QUEUE,
      key: `${id}:finish`,
      payload: { sessionId: id, reason: "ended by user" },
      status: "dead",
      attempts: 20,
      maxAttempts: 20,
      lastError: "skill sync failed",
    });
    await reconcileSessions(t.platform.services);
    expect(await sessionJson(t, id, headers)).toMatchObject({ status: "ended", sync_status: "failed" });
    expect(await t.platform.services.containers.listByLabel({ "agent-cloud.session": id })).toEqual([]);
  }, 60_000);

  test("ended sessions left syncing by an older version are marked failed", async () => {
    const t = second!;
    const { id, headers } = await activeSession(t);
    await t.platform.services.db.update(deviceSessions).set({ status: "ended", syncStatus: "syncing", endedAt: new Date() }).where(eq(deviceSessions.id, id));
    await reconcileSessions(t.platform.services);
    expect(await sessionJson(t, id, headers)).toMatchObject({ status: "ended", sync_status: "failed" });
  }, 60_000);
});

describe("device text input", () => {
  test("non-ASCII or control characters are a 400 naming text; printable ASCII passes", async () => {
    const t = second ?? first;
    const { id, headers } = await activeSession(t);
    const send = (text: string) =>
      t.request(`/api/sessions/${id}/text`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ text }) });
    for (const text of ["héllo", "日本語", "tab\there", "line\n"]) {
      const res = await send(text);
      expect(res.status).toBe(400);
      expect(await json(res)).toMatchObject({ code: "validation_failed", details: { text: expect.stringContaining("ASCII") } });
    }
    const fine = await send(`it's a "test"; ok`);
    expect(fine.status).toBe(200);
  }, 60_000);
});
