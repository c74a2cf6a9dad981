import { resolve } from "node:path";
import type { BenchBackend } from "./backend.ts";
import type { ServerSpec } from "./cases.ts";
import type { BenchOptions } from "./options.ts";

/** The environment a server of `bun run bench` runs with (see benchServerEnv). */
export function serverEnv(server: ServerSpec, caseCount: number, backend: BenchBackend, options: BenchOptions) {
  const lifetime = caseCount * 2 * (options.warmupSeconds + options.seconds + 30) + 300;
  return benchServerEnv(backend.env, server.procedures, Math.ceil(lifetime));
}

/**
 * The environment a benchmark's platform server runs with: production mode, loopback, warn-level
 * logs, in-process events and limits (REDIS_URL cleared), 127.0.0.1 trusted as a proxy so the load
 * generator's X-Forwarded-For spreads per-IP rate limits over many clients.
 */
export function benchServerEnv(backendEnv: Record<string, string>, procedures: number, lifetimeSeconds: number) {
  return {
    ...process.env,
    ...backendEnv,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    PUBLIC_URL: "",
    LOG_LEVEL: "warn",
    REDIS_URL: "",
    TRUSTED_PROXIES: "127.0.0.1",
    // Production refuses to start without a mailer; no benchmark sends mail.
    SMTP_URL: "smtp://127.0.0.1:2525",
    SHUTDOWN_GRACE_MS: "2000",
    // The load comes from one address (the sessions fan-out holds 1,000 streams): per-address caps are not what is measured.
    MAX_CONNECTIONS_PER_IP: "100000",
    MAX_STREAMS_PER_IP: "100000",
    BENCH_PROCEDURES: String(procedures),
    BENCH_MAX_LIFETIME_S: String(lifetimeSeconds),
  };
}

/** Bun flags that write a CPU profile (.cpuprofile and markdown) of the server when BENCH_CPU_PROF is set. */
export function profileFlags(dir: string | undefined, name: string): string[] {
  if (!dir) return [];
  return ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${resolve(dir)}`, `--cpu-prof-name=${name}`];
}
