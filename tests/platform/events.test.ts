import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { createEventBus, type EventBus } from "../../src/platform/events/index.ts";
import { createLogger } from "../../src/platform/logger.ts";

const redisUrl = process.env.REDIS_URL || undefined;
// A channel prefix of our own, so parallel runs on one Redis never see each other's events.
const channelPrefix = `test:events:${crypto.randomUUID()}:`;
const backends = [
  { name: "memory", redisUrl: undefined },
  ...(redisUrl ? [{ name: "redis", redisUrl }] : []),
];

const logs: string[] = [];
const logger = createLogger({ level: "debug", sink: (line) => logs.push(line) });

const open: EventBus[] = [];
function newBus(url: string | undefined, options: { maxBuffered?: number } = {}): EventBus {
  const bus = createEventBus({ redisUrl: url, logger, channelPrefix, ...options });
  open.push(bus);
  return bus;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
});

async function waitFor(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await Bun.sleep(5);
  }
}

function recorder(): { events: unknown[]; listener: (payload: unknown) => void } {
  const events: unknown[] = [];
  return { events, listener: (payload) => events.push(payload) };
}

for (const backend of backends) {
  describe(`event bus (${backend.name})`, () => {
    test("delivers to every subscriber; an unsubscribed listener gets nothing more", async () => {
      const bus = newBus(backend.redisUrl);
      const a = recorder();
      const b = recorder();
      const offA = await bus.subscribe("orders", a.listener);
      await bus.subscribe("orders", b.listener);
      await bus.publish("orders", { n: 1 });
      await waitFor(() => a.events.length === 1 && b.events.length === 1);

      await offA();
      await offA(); // idempotent
      await bus.publish("orders", { n: 2 });
      await waitFor(() => b.events.length === 2);
      expect(a.events).toEqual([{ n: 1 }]);
      expect(b.events).toEqual([{ n: 1 }, { n: 2 }]);
    });

    test("topics are isolated", async () => {
      const bus = newBus(backend.redisUrl);
      const a = recorder();
      const b = recorder();
      await bus.subscribe("a", a.listener);
      await bus.subscribe("b", b.listener);
      await bus.publish("a", "for a");
      await bus.publish("b", "for b");
      await waitFor(() => b.events.length === 1);
      await waitFor(() => a.events.length === 1);
      expect(a.events).toEqual(["for a"]);
      expect(b.events).toEqual(["for b"]);
    });

    test("payloads arrive as JSON values on every backend", async () => {
      const bus = newBus(backend.redisUrl);
      const r = recorder();
      await bus.subscribe("json", r.listener);
      await bus.publish("json", { at: new Date(0), list: [1, "x", null], gone: undefined });
      await bus.publish("json", undefined);
      await waitFor(() => r.events.length === 2);
      expect(r.events).toEqual([{ at: "1970-01-01T00:00:00.000Z", list: [1, "x", null] }, null]);
      expect(bus.publish("json", { big: 1n })).rejects.toThrow();
    });

    test("the same function subscribed twice is two subscriptions", async () => {
      const bus = newBus(backend.redisUrl);
      const r = recorder();
      const off1 = await bus.subscribe("twice", r.listener);
      await bus.subscribe("twice", r.listener);
      await bus.publish("twice", 1);
      await waitFor(() => r.events.length === 2);
      await off1();
      await bus.publish("twice", 2);
      await waitFor(() => r.events.length === 3);
      expect(r.events).toEqual([1, 1, 2]);
    });

    test("a failing listener is logged and does not stop the others", async () => {
      const bus = newBus(backend.redisUrl);
      const mark = logs.length;
      const r = recorder();
      await bus.subscribe("fragile", () => {
        throw new Error("listener boom");
      });
      await bus.subscribe("fragile", async () => {
        throw new Error("async listener boom");
      });
      await bus.subscribe("fragile", r.listener);
      await bus.publish("fragile", 1);
      await bus.publish("fragile", 2);
      await waitFor(() => r.events.length === 2);
      const failures = () => logs.slice(mark).filter((l) => l.includes("event listener failed"));
      await waitFor(() => failures().length === 4);
      expect(failures().filter((l) => l.includes("async listener boom")).length).toBe(2);
    });

    test("stream() buffers between pulls and ends when the signal aborts", async () => {
      const bus = newBus(backend.redisUrl);
      const controller = new AbortController();
      const stream = bus.stream("feed", controller.signal);
      // The stream subscribed when created: wait until it is live by watching a sentinel listener.
      const probe = recorder();
      await bus.subscribe("feed", probe.listener);
      await bus.publish("feed", 1);
      await bus.publish("feed", 2);
      await bus.publish("feed", 3);
      await waitFor(() => probe.events.length === 3);

      const seen: unknown[] = [];
      for await (const event of stream) {
        seen.push(event);
        if (seen.length === 3) setTimeout(() => controller.abort(), 20);
      }
      expect(seen).toEqual([1, 2, 3]);
    });

    test("stream().ready: a publish made after it, from another bus on the same backend, is delivered", async () => {
      const bus = newBus(backend.redisUrl);
      // The memory bus is one process: its "other replica" is itself.
      const publisher = backend.redisUrl ? newBus(backend.redisUrl) : bus;
      const controller = new AbortController();
      const stream = bus.stream("after-ready", controller.signal);
      await stream.ready;
      expect(bus.resubscriptions).toBe(0);
      await publisher.publish("after-ready", "first");
      expect(await stream.next()).toEqual({ value: "first", done: false });
      controller.abort();
      expect(await stream.next()).toEqual({ value: undefined, done: true });

      const ended = bus.stream("after-ready", AbortSignal.abort());
      await ended.ready; // resolves for a stream that never subscribed, too
      expect(await ended.next()).toEqual({ value: undefined, done: true });
    });

    test("stream() with an aborted signal ends at once; return() ends it", async () => {
      const bus = newBus(backend.redisUrl);
      const aborted = AbortSignal.abort();
      const none: unknown[] = [];
      for await (const event of bus.stream("quiet", aborted)) none.push(event);
      expect(none).toEqual([]);

      const controller = new AbortController();
      const iterator = bus.stream("loop", controller.signal)[Symbol.asyncIterator]();
      const pending = iterator.next();
      await Bun.sleep(50); // let the subscription go live
      await bus.publish("loop", "x");
      expect(await pending).toEqual({ value: "x", done: false });
      await iterator.return?.();
      expect(await iterator.next()).toEqual({ value: undefined, done: true });
    });

    test("a slow stream consumer keeps the newest maxBuffered events", async () => {
      const bus = newBus(backend.redisUrl, { maxBuffered: 2 });
      const mark = logs.length;
      const controller = new AbortController();
      const iterator = bus.stream("burst", controller.signal)[Symbol.asyncIterator]();
      const probe = recorder();
      await bus.subscribe("burst", probe.listener);
      for (const n of [1, 2, 3, 4]) await bus.publish("burst", n);
      await waitFor(() => probe.events.length === 4);
      expect((await iterator.next()).value).toBe(3);
      expect((await iterator.next()).value).toBe(4);
      controller.abort();
      expect((await iterator.next()).done).toBe(true);
      expect(logs.slice(mark).some((l) => l.includes("dropping oldest events"))).toBe(true);
    });

    test("close() ends open streams and refuses further use", async () => {
      const bus = newBus(backend.redisUrl);
      const iterator = bus.stream("closing", new AbortController().signal)[Symbol.asyncIterator]();
      const pending = iterator.next();
      await bus.close();
      expect(await pending).toEqual({ value: undefined, done: true });
      expect(bus.publish("closing", 1)).rejects.toThrow("closed");
      expect(bus.subscribe("closing", () => {})).rejects.toThrow("closed");
    });

    test("1,000 subscribers of one topic all receive each event", async () => {
      const bus = newBus(backend.redisUrl);
      const counts = new Array<number>(1000).fill(0);
      const offs = await Promise.all(counts.map((_, i) => bus.subscribe("crowd", () => counts[i]!++)));
      await bus.publish("crowd", "hello");
      await bus.publish("crowd", "again");
      await waitFor(() => counts.every((c) => c === 2));
      await Promise.all(offs.map((off) => off()));
    });
  });
}

const admin = redisUrl ? new RedisClient(redisUrl) : null;
afterAll(() => admin?.close());

describe.skipIf(!redisUrl)("event bus on Redis", () => {
  async function subscriberCount(topic: string): Promise<number> {
    const reply: unknown = await admin!.send("PUBSUB", ["NUMSUB", channelPrefix + topic]);
    const values = Array.isArray(reply) ? reply : Object.entries(reply as Record<string, unknown>).flat();
    return Number(values[1]);
  }

  test("two buses on one Redis see each other's publishes (cross-replica)", async () => {
    const one = newBus(redisUrl);
    const two = newBus(redisUrl);
    const onOne = recorder();
    const onTwo = recorder();
    await one.subscribe("shared", onOne.listener);
    await two.subscribe("shared", onTwo.listener);
    await one.publish("shared", "from one");
    await two.publish("shared", "from two");
    await waitFor(() => onOne.events.length === 2 && onTwo.events.length === 2);
    expect(onOne.events).toEqual(["from one", "from two"]);
    expect(onTwo.events).toEqual(["from one", "from two"]);
  });

  test("one Redis subscription per topic per bus, dropped with its last listener", async () => {
    const bus = newBus(redisUrl);
    const offs = await Promise.all(Array.from({ length: 1000 }, () => bus.subscribe("fan", () => {})));
    expect(await subscriberCount("fan")).toBe(1);
    await Promise.all(offs.slice(1).map((off) => off()));
    expect(await subscriberCount("fan")).toBe(1);
    await offs[0]!();
    expect(await subscriberCount("fan")).toBe(0);
  });

  test("a stream's Redis subscription goes when it ends by abort or by return()", async () => {
    const bus = newBus(redisUrl);
    const controller = new AbortController();
    bus.stream("streamed", controller.signal);
    const iterator = bus.stream("streamed", new AbortController().signal)[Symbol.asyncIterator]();
    await Bun.sleep(50);
    expect(await subscriberCount("streamed")).toBe(1);
    controller.abort();
    await Bun.sleep(20);
    expect(await subscriberCount("streamed")).toBe(1); // the other stream still listens
    await iterator.return?.();
    expect(await subscriberCount("streamed")).toBe(0);
  });

  test("subscribe/unsubscribe churn on one topic settles correctly", async () => {
    const bus = newBus(redisUrl);
    for (let round = 0; round < 20; round++) {
      const offs = await Promise.all(Array.from({ length: 5 }, () => bus.subscribe("churn", () => {})));
      await Promise.all(offs.map((off) => off()));
    }
    expect(await subscriberCount("churn")).toBe(0);
    // Unsubscribe and subscribe racing: the subscription must survive.
    const first = await bus.subscribe("churn", () => {});
    const r = recorder();
    const [, off] = await Promise.all([first(), bus.subscribe("churn", r.listener)]);
    await bus.publish("churn", "still here");
    await waitFor(() => r.events.length === 1);
    await off();
    expect(await subscriberCount("churn")).toBe(0);
  });

  test("a killed subscriber connection is replaced and its topics resubscribed", async () => {
    const bus = newBus(redisUrl);
    const r = recorder();
    await bus.subscribe("resilient", r.listener);
    const list = String(await admin!.send("CLIENT", ["LIST", "TYPE", "pubsub"]));
    const ids = list
      .split("\n")
      .filter((line) => line.includes(` name=evbus:${channelPrefix} `))
      .map((line) => /id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    expect(ids.length).toBe(1);
    await admin!.send("CLIENT", ["KILL", "ID", ids[0]!]);
    await waitFor(() => logs.some((l) => l.includes("subscriber connection lost")));
    const deadline = Date.now() + 3_000;
    while (r.events.length === 0 && Date.now() < deadline) {
      await bus.publish("resilient", "after reconnect");
      await Bun.sleep(50);
    }
    expect(r.events.length).toBeGreaterThan(0);
    // Readers that keep history elsewhere are told to look there.
    expect(bus.resubscriptions).toBe(1);
    // Exactly one subscription after the reconnect: one publish, one delivery.
    r.events.length = 0;
    await bus.publish("resilient", "once");
    await Bun.sleep(100);
    expect(r.events.filter((e) => e === "once")).toEqual(["once"]);
  });
});
