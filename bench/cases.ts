import { syntheticPath } from "./synthetic-router.ts";

/** One server process; the cases that share it run one after another against it. */
export interface ServerSpec {
  id: string;
  script: "serve-bare.ts" | "serve-floor.ts" | "serve-platform.ts";
  /** Synthetic REST procedures added next to the real router (platform only). */
  procedures: number;
}

export interface BenchCase {
  id: string;
  server: ServerSpec;
  path: string;
  /** What the case measures, one line. */
  title: string;
  /** Sends `Authorization: Bearer <API key>` with the key the runner seeded (bench/seed.ts). */
  apiKey?: boolean;
  /**
   * The case whose server does the same database work with no framework, and how many of its
   * requests one request of this case stands for (a batch of 10 calls: 10). The report prints the
   * floor's server µs per request beside this case's.
   */
  floor?: { id: string; requests: number };
}

const BARE: ServerSpec = { id: "bare", script: "serve-bare.ts", procedures: 0 };
const FLOOR: ServerSpec = { id: "floor", script: "serve-floor.ts", procedures: 0 };
const PLATFORM: ServerSpec = { id: "platform", script: "serve-platform.ts", procedures: 0 };
const P10: ServerSpec = { id: "platform+10", script: "serve-platform.ts", procedures: 10 };
const P200: ServerSpec = { id: "platform+200", script: "serve-platform.ts", procedures: 200 };

const HEALTH_FLOOR = { id: "floor-health", requests: 1 };
const ME_FLOOR = { id: "floor-me", requests: 1 };

/** How many calls the batched tRPC case sends in one request. */
export const TRPC_BATCH_CALLS = 10;
/**
 * `httpBatchLink`'s GET for TRPC_BATCH_CALLS `health.compute` queries. Placeholder: the runner
 * replaces it with the URL the official client builds (bench/trpc-batch-url.ts).
 */
export const TRPC_BATCH_PATH = "<trpc batch>";

/** Every case, grouped by server in this order. The first is the baseline the ratios divide by. */
export const CASES: readonly BenchCase[] = [
  { id: "bare", server: BARE, path: "/", title: "bare Bun.serve, small JSON" },
  { id: "floor-health", server: FLOOR, path: "/health", title: "bare Bun.serve + the health service (1 DB round trip), no framework" },
  {
    id: "floor-me",
    server: FLOOR,
    path: "/api/account/me",
    apiKey: true,
    title: "bare Bun.serve + the two queries of an API-key read (key → user, primary key), bare through the same handle",
  },
  { id: "rest-health", server: PLATFORM, path: "/health", floor: HEALTH_FLOOR, title: "REST, compute surface, 1 DB round trip" },
  { id: "rest-v1-health", server: PLATFORM, path: "/api/v1/health", floor: HEALTH_FLOOR, title: "REST, hosting envelope + rate limit, 1 DB round trip" },
  { id: "rest-me", server: PLATFORM, path: "/api/account/me", apiKey: true, floor: ME_FLOOR, title: "REST, API key, principal, profile (2 queries), mobile surface" },
  { id: "trpc-health", server: PLATFORM, path: "/trpc/health.compute", floor: HEALTH_FLOOR, title: "tRPC (superjson), same procedure as /health" },
  {
    id: "trpc-batch",
    server: PLATFORM,
    path: TRPC_BATCH_PATH,
    floor: { id: "floor-health", requests: TRPC_BATCH_CALLS },
    title: `tRPC httpBatchLink GET, ${TRPC_BATCH_CALLS} × health.compute in one request`,
  },
  { id: "p10-health", server: P10, path: "/health", floor: HEALTH_FLOOR, title: "REST /health, 10 synthetic procedures" },
  { id: "p10-synthetic", server: P10, path: syntheticPath(10), title: "REST synthetic route (no DB), 10 procedures" },
  { id: "p10-trpc", server: P10, path: "/trpc/health.compute", floor: HEALTH_FLOOR, title: "tRPC health.compute, 10 synthetic procedures" },
  { id: "p200-health", server: P200, path: "/health", floor: HEALTH_FLOOR, title: "REST /health, 200 synthetic procedures" },
  { id: "p200-synthetic", server: P200, path: syntheticPath(200), title: "REST synthetic route (no DB), 200 procedures" },
  { id: "p200-trpc", server: P200, path: "/trpc/health.compute", floor: HEALTH_FLOOR, title: "tRPC health.compute, 200 synthetic procedures" },
];

export const BASELINE_ID = "bare";
