import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { readSse, sessionJson, waitFor, startActiveSession } from "./session-helpers.ts";

/**
 * SESSION_STREAMS_PER_USER: how many event streams one user may hold open at once, REST and tRPC
 * alike. Simulated devices (no engine needed): sessions stay active, so their streams stay open.
 */
describe("open session streams per user", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", SESSION_STREAMS_PER_USER: "2", DEVICE_PER_IP: "10" } });
  });
  afterAll(() => t.stop());

  const activeSession = (headers: Record<string, string>) => startActiveSession(t, headers);

  function openStream(id: string, headers: Record<string, string>, signal: AbortSignal) {
    return fetch(`${t.url}/api/sessions/${id}/stream`, { headers, signal });
  }

  test("the third stream is 429 until one closes; other users are not affected", async () => {
    const alice = await createUserWithKey(t);
    const bob = await createUserWithKey(t);
    const aliceSession = await activeSession(alice.headers);
    const bobSession = await activeSession(bob.headers);

    const first = new AbortController();
    const second = new AbortController();
    const streams = [await openStream(aliceSession, alice.headers, first.signal), await openStream(aliceSession, alice.headers, second.signal)];
    for (const stream of streams) expect(stream.status).toBe(200);

    const third = await openStream(aliceSession, alice.headers, new AbortController().signal);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("5");
    const body = await json<{ error: string; code: string }>(third);
    expect(body.code).toBe("rate_limited");
    expect(body.error).toContain("at most 2");

    // The typed client's subscription counts against the same limit.
    const refused = await new Promise<unknown>((resolve) => {
      const sub = t.client(alice.key).sessions.events.subscribe(
        { id: aliceSession },
        {
          onData: () => {},
          onError: (error) => {
            sub.unsubscribe();
            resolve(error);
          },
        },
      );
    });
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect(refused instanceof TRPCClientError ? refused.data : null).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429 });

    // Bob's streams are his own.
    const bobs = new AbortController();
    const bobStream = await openStream(bobSession, bob.headers, bobs.signal);
    expect(bobStream.status).toBe(200);
    bobs.abort();

    // A stream the client closes gives its slot back.
    first.abort();
    const again = new AbortController();
    const reopened = await waitFor(async () => {
      const response = await openStream(aliceSession, alice.headers, again.signal);
      if (response.status === 200) return response;
      await response.body?.cancel();
      return null;
    }, 5_000, "a freed stream slot");
    const replayed = await readSse(reopened, (event) => event.event === "active", 5_000);
    expect(replayed.map((event) => event.event)).toEqual(["redroid_starting", "adb_handshake", "gateway_starting", "active"]);
    again.abort();
    second.abort();
  });

  test("a finished session's stream replays, closes and gives its slot back", async () => {
    const carol = await createUserWithKey(t);
    const id = await activeSession(carol.headers);
    expect((await t.request(`/api/sessions/${id}`, { method: "DELETE", headers: carol.headers })).status).toBe(200);
    await waitFor(async () => (await sessionJson(t, id, carol.headers)).status === "ended");
    // Three streams one after another: each ends by itself after the history, so none is refused.
    for (let i = 0; i < 3; i++) {
      const stream = await openStream(id, carol.headers, new AbortController().signal);
      expect(stream.status).toBe(200);
      const events = await readSse(stream, () => false, 5_000);
      expect(events.at(-1)?.event).toBe("ended");
    }
    expect(t.platform.services.sessionStreams.count(carol.user.id)).toBe(0);
  });
});
