import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EventSource } from "eventsource";
import superjson from "superjson";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.stop());

describe("subscriptions over SSE", () => {
  test("the typed client receives tracked events from a subscription", async () => {
    const received: Array<{ id: string; status: string }> = [];
    await new Promise<void>((resolve, reject) => {
      const sub = t.client().health.watch.subscribe(
        { interval_s: 1 },
        {
          onData(event) {
            received.push({ id: event.id, status: event.data.status });
            if (received.length === 2) {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(received).toEqual([
      { id: "1", status: "ok" },
      { id: "2", status: "ok" },
    ]);
  });

  test("an EventSource reader gets the same stream from /trpc", async () => {
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ interval_s: 1 })));
    const source = new EventSource(`${t.url}/trpc/health.watch?input=${input}`);
    const first = await new Promise<MessageEvent>((resolve, reject) => {
      source.onmessage = resolve;
      source.onerror = (e) => reject(new Error(String(e.message)));
    });
    source.close();
    expect(first.lastEventId).toBe("1");
    const payload = superjson.deserialize<{ status: string }>(JSON.parse(first.data));
    expect(payload.status).toBe("ok");
  });

  test("a reconnect with Last-Event-ID continues the sequence", async () => {
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ interval_s: 1 })));
    const controller = new AbortController();
    const res = await fetch(`${t.url}/trpc/health.watch?input=${input}`, {
      headers: { "last-event-id": "41" },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes("id: 42")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain("id: 42");
  });
});
