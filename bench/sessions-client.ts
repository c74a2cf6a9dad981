/**
 * The sessions benchmark's client, run by bench/sessions.ts in its own process (never sharing an
 * event loop with a server), against the platform or the bare baseline server alike: the same
 * requests, the same parsing, the same clocks. Prints one JSON `ClientResult` line.
 *
 * - lifecycle: POST /api/sessions → GET /api/sessions/:id/stream until `redroid_starting` (and
 *   `active`) → DELETE, per session, on `concurrency` workers; fetch, as an app would.
 * - fanout: one session, N raw-socket SSE subscribers, an idle window, then DELETE and the `ended`
 *   event's arrival on every stream.
 */
import { snapshotCpu, type CpuSnapshot } from "./machine-load.ts";
import { readFetchSse, subscribeRaw, wallNow, type RawSubscriber } from "./sessions-sse.ts";
import {
  SESSIONS_PLAN_ENV,
  type ClientPlan,
  type FanoutPlan,
  type FanoutResult,
  type LifecyclePlan,
  type LifecycleResult,
  type LifecycleSample,
} from "./sessions-plan.ts";

const EVENT_TIMEOUT_MS = 30_000;

function readPlan(): ClientPlan {
  const raw = process.env[SESSIONS_PLAN_ENV];
  if (!raw) throw new Error(`${SESSIONS_PLAN_ENV} is not set; this client is started by bench/sessions.ts`);
  return JSON.parse(raw) as ClientPlan;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function createSession(base: string, key: string): Promise<{ id: string } | { error: string }> {
  const response = await fetch(`${base}/api/sessions`, { method: "POST", headers: bearer(key) });
  const text = await response.text();
  if (response.status !== 201) return { error: `POST /api/sessions ${response.status}: ${text.slice(0, 200)}` };
  const id = (JSON.parse(text) as { id?: unknown }).id;
  return typeof id === "string" ? { id } : { error: `POST /api/sessions answered no id: ${text.slice(0, 200)}` };
}

async function endSession(base: string, key: string, id: string): Promise<string | undefined> {
  const response = await fetch(`${base}/api/sessions/${id}`, { method: "DELETE", headers: bearer(key) });
  const text = await response.text();
  return response.status === 200 ? undefined : `DELETE ${response.status}: ${text.slice(0, 200)}`;
}

/** One session: the timings, or why it failed. */
async function lifecycleOnce(plan: LifecyclePlan, key: string): Promise<LifecycleSample | string> {
  const wall0 = wallNow();
  const t0 = performance.now();
  const created = await createSession(plan.url, key);
  const post = performance.now() - t0;
  if ("error" in created) return created.error;
  const stream = await fetch(`${plan.url}/api/sessions/${created.id}/stream`, { headers: { ...bearer(key), accept: "text/event-stream" } });
  if (stream.status !== 200) return `stream ${stream.status}: ${(await stream.text()).slice(0, 200)}`;
  let starting: number | undefined;
  let active: number | undefined;
  let startingStamped = Number.NaN;
  let activeStamped: number | undefined;
  let failed: string | undefined;
  await readFetchSse(
    stream,
    (event, receivedAt) => {
      if (event.type === "redroid_starting") {
        starting = receivedAt - t0;
        startingStamped = Date.parse(event.at) - wall0;
      } else if (event.type === "active") {
        active = receivedAt - t0;
        activeStamped = Date.parse(event.at) - wall0;
      }
      else if (event.type === "error" || event.type === "ended") failed = `session ${created.id} ended with "${event.type}" before active`;
      return failed !== undefined || active !== undefined;
    },
    EVENT_TIMEOUT_MS,
  );
  const t2 = performance.now();
  const ended = await endSession(plan.url, key, created.id);
  const deleted = performance.now() - t2;
  if (failed) return failed;
  if (starting === undefined || active === undefined) return `session ${created.id}: no active within ${EVENT_TIMEOUT_MS} ms`;
  if (ended) return ended;
  return { post, startingStamped, activeStamped, starting, active, delete: deleted };
}

async function runLifecycle(plan: LifecyclePlan): Promise<LifecycleResult> {
  const run = async (keys: string[]) => {
    const outcomes: (LifecycleSample | string)[] = [];
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++] as string;
        outcomes.push(await lifecycleOnce(plan, key).catch((error: unknown) => `request failed: ${String(error)}`));
      }
    };
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, keys.length) }, worker));
    return outcomes;
  };
  await run(plan.warmupKeys);
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  const outcomes = await run(plan.keys);
  const cpu = process.cpuUsage(cpuBefore);
  const failures = outcomes.filter((o): o is string => typeof o === "string");
  return {
    mode: "lifecycle",
    samples: outcomes.filter((o): o is LifecycleSample => typeof o !== "string"),
    failures: failures.length,
    failureMessages: [...new Set(failures)].slice(0, 3),
    seconds: (performance.now() - began) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

interface Subscriber {
  handle: RawSubscriber | undefined;
  trpc: boolean;
  sentAt: number;
  readyAt: number | undefined;
  /** wallNow() when `ended` arrived, and its `at`. */
  endedAt: number | undefined;
  endedStamp: string;
  failure: string | undefined;
}

async function runFanout(plan: FanoutPlan): Promise<FanoutResult> {
  const clockOffsetMs = measureClockOffset();
  const base = new URL(plan.url);
  const created = await createSession(plan.url, plan.key);
  if ("error" in created) throw new Error(created.error);
  const sessionId = created.id;
  const first = await fetch(`${plan.url}/api/sessions/${sessionId}/stream`, { headers: bearer(plan.key) });
  let live = false;
  await readFetchSse(first, (event) => (live = event.type === "active") || event.type === "error" || event.type === "ended", EVENT_TIMEOUT_MS);
  if (!live) throw new Error(`session ${sessionId} did not become active`);

  const restPath = `/api/sessions/${sessionId}/stream`;
  const trpcPath = `/trpc/sessions.events?input=${encodeURIComponent(JSON.stringify({ json: { id: sessionId } }))}`;
  const subscribers: Subscriber[] = [];
  let ended = 0;
  let allEnded: () => void = () => {};
  const everyoneEnded = new Promise<void>((resolve) => (allEnded = resolve));
  let connected = 0;

  const open = (index: number) =>
    new Promise<void>((ready) => {
      const sub: Subscriber = {
        handle: undefined,
        trpc: index < plan.trpc,
        sentAt: performance.now(),
        readyAt: undefined,
        endedAt: undefined,
        endedStamp: "",
        failure: undefined,
      };
      subscribers.push(sub);
      sub.handle = subscribeRaw(base.hostname, Number(base.port), sub.trpc ? trpcPath : restPath, bearer(plan.key), {
        onStatus(status, head) {
          if (status !== 200) {
            sub.failure = `status ${status}: ${head.split("\r\n")[0] ?? ""}`;
            sub.handle?.close();
            ready();
          }
        },
        onEvent(event, receivedAt) {
          if (event.type === "active" && sub.readyAt === undefined) {
            sub.readyAt = performance.now();
            connected += 1;
            ready();
          } else if (event.type === "ended" && sub.endedAt === undefined) {
            sub.endedAt = receivedAt;
            sub.endedStamp = event.at;
            ended += 1;
            if (ended === connected) allEnded();
          }
        },
        onClose(error) {
          if (sub.readyAt === undefined || sub.endedAt === undefined) sub.failure ??= error ?? "closed by the server";
          ready();
        },
      });
    });

  const connectBegan = performance.now();
  for (let i = 0; i < plan.subscribers; i += plan.connectBatch) {
    const batch = Array.from({ length: Math.min(plan.connectBatch, plan.subscribers - i) }, (_, j) => open(i + j));
    await Promise.race([Promise.all(batch), Bun.sleep(EVENT_TIMEOUT_MS)]);
  }
  const connectAllMs = performance.now() - connectBegan;

  const before = snapshotCpu();
  await Bun.sleep(plan.idleSeconds * 1000);
  const idle = idleCores(before, snapshotCpu(), plan);
  const refusedBeforeTrigger = subscribers.filter((s) => s.failure !== undefined);

  const cpuBefore = process.cpuUsage();
  const triggeredAt = wallNow();
  const problem = await endSession(plan.url, plan.key, sessionId);
  const triggerMs = wallNow() - triggeredAt;
  if (problem) throw new Error(problem);
  await Promise.race([everyoneEnded, Bun.sleep(EVENT_TIMEOUT_MS)]);
  const cpu = process.cpuUsage(cpuBefore);
  for (const sub of subscribers) sub.handle?.close();

  const received = subscribers.filter((s) => s.endedAt !== undefined);
  const fromAt = (s: Subscriber) => (s.endedAt as number) - Date.parse(s.endedStamp);
  return {
    mode: "fanout",
    subscribers: plan.subscribers,
    connected,
    refused: refusedBeforeTrigger.length,
    refusalMessages: [...new Set(refusedBeforeTrigger.map((s) => s.failure as string))].slice(0, 3),
    subscribeMs: subscribers.filter((s) => s.readyAt !== undefined).map((s) => (s.readyAt as number) - s.sentAt),
    connectAllMs,
    idleServerCores: idle?.server,
    idlePostgresCores: idle?.postgres,
    fromAtMs: received.map(fromAt),
    fromTriggerMs: received.map((s) => (s.endedAt as number) - triggeredAt),
    trpcFromAtMs: received.filter((s) => s.trpc).map(fromAt),
    triggerMs,
    clockOffsetMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

function idleCores(before: CpuSnapshot, after: CpuSnapshot, plan: FanoutPlan): { server: number; postgres: number } | undefined {
  if (!before || !after) return undefined;
  let server = 0;
  let postgres = 0;
  for (const [pid, now] of after) {
    const then = before.get(pid);
    const ticks = then && then.comm === now.comm ? now.ticks - then.ticks : 0;
    if (pid === plan.serverPid) server += ticks;
    else if (plan.postgres && now.comm === "postgres") postgres += ticks;
  }
  // /proc counts in ticks of 1/100 s.
  return { server: ticks100(server) / plan.idleSeconds, postgres: ticks100(postgres) / plan.idleSeconds };
}

const ticks100 = (ticks: number) => ticks / 100;

/**
 * The server stamps `at` from the wall clock (millisecond precision); receipts are stamped with
 * wallNow(). Date.now() truncates, so the mean of Date.now() − wallNow() is −0.5 ms when the two
 * agree; returned with that half millisecond added back.
 */
function measureClockOffset(): number {
  let sum = 0;
  const samples = 20_000;
  for (let i = 0; i < samples; i++) sum += Date.now() - wallNow();
  return sum / samples + 0.5;
}

const plan = readPlan();
// Safety net: a client never outlives its run by much.
setTimeout(() => process.exit(2), 15 * 60_000).unref();
const result = plan.mode === "lifecycle" ? await runLifecycle(plan) : await runFanout(plan);
console.log(JSON.stringify(result));
process.exit(0);
