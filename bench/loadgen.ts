/**
 * The load generator, run by the runner in its own process so it never shares an event loop with
 * a server: `connections` keep-alive connections to one URL, each with one request in flight, a
 * warm-up that is not counted, then a fixed measured window. Prints one JSON `LoadResult` line.
 */
import { LatencyHistogram } from "./histogram.ts";
import { runConnection, type ConnectionSink } from "./http-connection.ts";
import { LOAD_PLAN_ENV, type LoadPlan, type LoadResult } from "./load-result.ts";

function readPlan(): LoadPlan {
  const raw = process.env[LOAD_PLAN_ENV];
  if (!raw) throw new Error(`${LOAD_PLAN_ENV} is not set; the load generator is started by bench/run.ts`);
  const plan = JSON.parse(raw) as LoadPlan;
  if (!plan.url || !(plan.connections > 0) || !(plan.seconds > 0) || !(plan.warmupSeconds >= 0) || !(plan.forwardedFor >= 0)) {
    throw new Error(`bad ${LOAD_PLAN_ENV}: ${raw}`);
  }
  return plan;
}

const plan = readPlan();
const url = new URL(plan.url);
if (url.protocol !== "http:") throw new Error("the load generator speaks plain HTTP only");
// A `host` header in the plan replaces the URL's (the subdomain proxy is chosen by Host, not by address).
const hostHeader = Object.entries(plan.headers ?? {}).find(([name]) => name.toLowerCase() === "host")?.[1] ?? url.host;
const extraHeaders = Object.entries(plan.headers ?? {})
  .filter(([name]) => name.toLowerCase() !== "host")
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join("");
// A POST plan carries its JSON body (ASCII) after every request's head.
const body = plan.body ?? "";
const bodyHeaders = plan.body === undefined ? "" : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
const head = `${plan.method ?? "GET"} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${hostHeader}\r\nAccept: application/json\r\nUser-Agent: agent-cloud-bench\r\n${extraHeaders}${bodyHeaders}`;
// Prebuilt, so the generator spends its time on the wire, not on building requests.
const requests =
  plan.forwardedFor > 0
    ? Array.from({ length: plan.forwardedFor }, (_, i) =>
        Buffer.from(`${head}X-Forwarded-For: 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\r\n\r\n${body}`, "latin1"),
      )
    : [Buffer.from(`${head}\r\n${body}`, "latin1")];
let sent = 0;
const nextRequest = () => requests[sent++ % requests.length] as Buffer;

const histogram = new LatencyHistogram();
let non2xx = 0;
let totalResponses = 0;
let errors = 0;
let sample = "";
const firstErrors: string[] = [];
const began = performance.now();
const measureFrom = began + plan.warmupSeconds * 1000;
const stopAt = measureFrom + plan.seconds * 1000;

// Safety net: whatever happens, this process ends shortly after its window.
setTimeout(() => process.exit(2), stopAt - began + 15_000);

const sink: ConnectionSink = {
  onResponse(status, latencyMs, bytes) {
    const now = performance.now();
    totalResponses += 1;
    if (sample === "") sample = bytes.toString("utf8", 0, Math.min(bytes.length, 400));
    if (now >= measureFrom && now < stopAt) {
      histogram.record(latencyMs);
      if (status < 200 || status >= 300) non2xx += 1;
    }
    return now < stopAt;
  },
  onError(message) {
    errors += 1;
    if (firstErrors.length < 3) firstErrors.push(message);
  },
  running: () => performance.now() < stopAt,
};

const connections = Array.from({ length: plan.connections }, () =>
  runConnection(url.hostname, Number(url.port || 80), nextRequest, sink),
);
// In-flight requests get a moment to finish after the window; they are not counted anyway.
await Promise.race([Promise.all(connections), Bun.sleep(stopAt - performance.now() + 3_000)]);

const cpu = process.cpuUsage();
const result: LoadResult = {
  requests: histogram.count,
  totalResponses,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  seconds: plan.seconds,
  requestsPerSecond: histogram.count / plan.seconds,
  p50Ms: histogram.quantile(0.5),
  p99Ms: histogram.quantile(0.99),
  maxMs: histogram.max,
  non2xx,
  errors,
  sample,
};
if (firstErrors.length > 0) console.error(`load generator errors (${errors}): ${firstErrors.join("; ")}`);
console.log(JSON.stringify(result));
process.exit(0);
