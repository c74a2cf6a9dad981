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
}

const BARE: ServerSpec = { id: "bare", script: "serve-bare.ts", procedures: 0 };
const FLOOR: ServerSpec = { id: "floor", script: "serve-floor.ts", procedures: 0 };
const PLATFORM: ServerSpec = { id: "platform", script: "serve-platform.ts", procedures: 0 };
const P10: ServerSpec = { id: "platform+10", script: "serve-platform.ts", procedures: 10 };
const P200: ServerSpec = { id: "platform+200", script: "serve-platform.ts", procedures: 200 };

/** Every case, grouped by server in this order. The first is the baseline the ratios divide by. */
export const CASES: readonly BenchCase[] = [
  { id: "bare", server: BARE, path: "/", title: "bare Bun.serve, small JSON" },
  { id: "floor-health", server: FLOOR, path: "/health", title: "bare Bun.serve + the health service (1 DB round trip), no framework" },
  { id: "rest-health", server: PLATFORM, path: "/health", title: "REST, compute surface, 1 DB round trip" },
  { id: "rest-v1-health", server: PLATFORM, path: "/api/v1/health", title: "REST, hosting envelope + rate limit, 1 DB round trip" },
  { id: "trpc-health", server: PLATFORM, path: "/trpc/health.compute", title: "tRPC (superjson), same procedure as /health" },
  { id: "p10-health", server: P10, path: "/health", title: "REST /health, 10 synthetic procedures" },
  { id: "p10-synthetic", server: P10, path: syntheticPath(10), title: "REST synthetic route (no DB), 10 procedures" },
  { id: "p200-health", server: P200, path: "/health", title: "REST /health, 200 synthetic procedures" },
  { id: "p200-synthetic", server: P200, path: syntheticPath(200), title: "REST synthetic route (no DB), 200 procedures" },
];

export const BASELINE_ID = "bare";
