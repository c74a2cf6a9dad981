/** What the load generator prints (one JSON line on stdout) and the runner reads. */
export interface LoadResult {
  /** Responses completed inside the measured window. */
  requests: number;
  /** Responses completed over the whole run, warm-up included (to divide CPU time by). */
  totalResponses: number;
  /** CPU time the load generator itself used, seconds (its cost per request shows how much it takes from the server). */
  cpuSeconds: number;
  /** Measured window, seconds. */
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses whose status was not 2xx (they still count in `requests`). */
  non2xx: number;
  /** Connection failures, resets and malformed responses, warm-up included. */
  errors: number;
  /** First bytes of one response, for a sanity check of what was measured. */
  sample: string;
}

/** How the runner tells the load generator what to do (environment of its process). */
export interface LoadPlan {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /**
   * Distinct client addresses to cycle through in `X-Forwarded-For` (0: no header). The platform
   * trusts 127.0.0.1 as a proxy in the benchmark, so per-IP rate limits see many clients, as in
   * production, instead of refusing one loopback address.
   */
  forwardedFor: number;
  /** Extra request headers, e.g. `authorization` for the authenticated cases. */
  headers?: Record<string, string>;
  /** Default GET. */
  method?: "GET" | "POST";
  /** A JSON body (ASCII) sent with every request, e.g. a Messages call for bench:proxy. */
  body?: string;
}

export const LOAD_PLAN_ENV = "BENCH_LOAD_PLAN";

export function isLoadResult(value: unknown): value is LoadResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return ["requests", "totalResponses", "cpuSeconds", "seconds", "requestsPerSecond", "p50Ms", "p99Ms", "maxMs", "non2xx", "errors"].every(
    (key) => typeof v[key] === "number",
  ) && typeof v.sample === "string";
}
