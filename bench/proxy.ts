/**
 * `bun run bench:proxy`: the platform's proxies against the same upstream hit directly, in one run.
 * See bench/README.md, "Proxies".
 *
 * Anthropic proxy: the tests' stand-in of Anthropic's Messages API runs in its own process
 * (proxy-upstream.ts); the platform runs in another with ANTHROPIC_BASE_URL pointing at it and one
 * running sandbox with a proxy token seeded in its database. The load generator (loadgen.ts, its
 * own process) sends the same Messages call (JSON, then streamed) straight to the stand-in with
 * the real key and through `/proxy/anthropic` with the proxy token: throughput, p50, p99. Then
 * proxy-ttfb.ts measures the time to the first streamed byte, one call at a time, alternating.
 * Targets (issue 13): proxied req/s ≥ 0.7 of direct; time to first byte within 1 ms of direct at p50.
 *
 * Subdomain proxy: the same sandbox's program is the same stand-in (its address in the sandbox's
 * row); a workspace member's API key reaches it at `oc-{id}.BASE_DOMAIN`, the same JSON and streamed
 * calls as direct, with the same targets.
 *
 * Exit code 0 whatever the figures; 1 if a server would not start or a client failed.
 */
import { availableParallelism } from "node:os";
import { openDatabase } from "../db/connection.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { eq } from "drizzle-orm";
import { sandboxes, workspaceMembers, workspaces } from "../db/schema/index.ts";
import { databaseTarget } from "../db/target.ts";
import { createApiKey } from "../src/auth/api-keys.ts";
import { findOrCreateUserByEmail } from "../src/auth/users.ts";
import { issueProxyToken } from "../src/domains/anthropic-proxy/index.ts";
import { encryptSecret } from "../src/platform/crypto.ts";
import { prepareBackend, type BenchBackend } from "./backend.ts";
import type { LoadResult } from "./load-result.ts";
import { readBenchOptions } from "./options.ts";
import { runChild, runLoad, startServer, type ServerProcess } from "./processes.ts";
import { isTtfbResult, TTFB_PLAN_ENV, type TtfbPlan, type TtfbTarget } from "./proxy-ttfb.ts";
import { benchServerEnv, profileFlags } from "./server-env.ts";
import { median } from "./summary.ts";

/** The subdomain proxy's case: the bench sandbox's `oc-` host, on BASE_DOMAIN. */
const BASE_DOMAIN = "bench.test";
const SIGNING_SECRET = `bench-signing-${crypto.randomUUID()}`;

const options = readBenchOptions();
const ttfbSamples = Math.max(10, Math.floor(Number(process.env.BENCH_TTFB_SAMPLES ?? 400)));
const log = (line: string) => process.stderr.write(line + "\n");
const REAL_KEY = `sk-ant-bench-${crypto.randomUUID()}`;
const MESSAGE = { model: "claude-stand-in-1", max_tokens: 64, messages: [{ role: "user", content: "Say hello in five words." }] };
const JSON_BODY = JSON.stringify(MESSAGE);
const SSE_BODY = JSON.stringify({ ...MESSAGE, stream: true });

const BENCH_WORKSPACE = "ws_bench0000000000000000";
const BENCH_SANDBOX = "sbx_bench000000000000000";

/** One sandbox, running, with a proxy token: what a real sandbox's container holds. */
async function seedSandbox(backend: BenchBackend): Promise<string> {
  const handle = await openDatabase(databaseTarget({ databaseUrl: backend.env.DATABASE_URL || undefined, dataDir: backend.env.DATA_DIR as string }));
  try {
    await migrateDatabase(handle);
    const workspaceId = BENCH_WORKSPACE;
    const sandboxId = BENCH_SANDBOX;
    await handle.db.insert(workspaces).values({ id: workspaceId, name: "bench" });
    await handle.db.insert(sandboxes).values({ id: sandboxId, workspaceId, name: "bench", type: "opencode", driver: "simulator", secretEncrypted: "-", status: "running" });
    return await issueProxyToken(handle.db, { sandboxId, workspaceId });
  } finally {
    await handle.close();
  }
}

/**
 * The subdomain proxy's side of the bench sandbox: its program is the same stand-in (its address),
 * its secret sealed with the platform's signing secret, and a member with an API key who reaches
 * it at `oc-{id}.BASE_DOMAIN`. Returns that member's key.
 */
async function seedSubdomain(backend: BenchBackend, upstreamUrl: string): Promise<string> {
  const handle = await openDatabase(databaseTarget({ databaseUrl: backend.env.DATABASE_URL || undefined, dataDir: backend.env.DATA_DIR as string }));
  try {
    const { user } = await findOrCreateUserByEmail(handle.db, { email: "bench-member@example.test", emailVerified: true, adminEmails: [] });
    await handle.db.insert(workspaceMembers).values({ workspaceId: BENCH_WORKSPACE, userId: user.id, role: "developer" });
    const secretEncrypted = await encryptSecret(SIGNING_SECRET, "bench-program-secret");
    await handle.db.update(sandboxes).set({ address: new URL(upstreamUrl).host, secretEncrypted }).where(eq(sandboxes.id, BENCH_SANDBOX));
    return (await createApiKey(handle.db, { userId: user.id, name: "bench" })).key;
  } finally {
    await handle.close();
  }
}

interface Case {
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

log(
  `agent-cloud proxy bench: ${availableParallelism()} cores, Bun ${Bun.version}, database ${options.databaseUrl ? "PostgreSQL (scratch database)" : "PGlite (temp dir)"}, ` +
    `${options.rounds} rounds × ${options.seconds} s per case at ${options.connections} connections, ${ttfbSamples} time-to-first-byte samples per target`,
);
const backend = await prepareBackend(options.databaseUrl);
const servers: ServerProcess[] = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await backend.dispose();
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void cleanup().finally(() => process.exit(130)));

let failed = false;
try {
  const token = await seedSandbox(backend);
  const lifetime = options.rounds * 4 * (options.warmupSeconds + options.seconds + 30) + ttfbSamples + 600;
  const upstream = await startServer("proxy-upstream.ts", { ...process.env, BENCH_ANTHROPIC_KEY: REAL_KEY, BENCH_MAX_LIFETIME_S: String(lifetime) }, 30_000);
  servers.push(upstream);
  const memberKey = await seedSubdomain(backend, upstream.url);
  const platformEnv = {
    ...benchServerEnv(backend.env, 0, lifetime),
    BASE_DOMAIN,
    SIGNING_SECRET,
    ANTHROPIC_API_KEY: REAL_KEY,
    ANTHROPIC_BASE_URL: upstream.url,
    // The limits' code runs on every request, as in production; their values are not what is measured.
    ANTHROPIC_SANDBOX_RPM: "1000000000",
    ANTHROPIC_SANDBOX_TPM: "1000000000",
  };
  const platform = await startServer("serve-platform.ts", platformEnv, 300_000, profileFlags(options.cpuProfileDir, `proxy-${backend.kind}`));
  servers.push(platform);

  const direct = { "x-api-key": REAL_KEY, "anthropic-version": "2023-06-01" };
  const proxied = { "x-api-key": token, "anthropic-version": "2023-06-01" };
  // The member's key opens the subdomain; the stand-in's own key passes through to it untouched.
  const subdomain = { ...direct, host: `oc-${BENCH_SANDBOX.replace("_", "-")}.${BASE_DOMAIN}`, authorization: `Bearer ${memberKey}` };
  const cases: Case[] = [
    { id: "direct-json", url: `${upstream.url}/v1/messages`, headers: direct, body: JSON_BODY },
    { id: "anthropic-json", url: `${platform.url}/proxy/anthropic/v1/messages`, headers: proxied, body: JSON_BODY },
    { id: "direct-sse", url: `${upstream.url}/v1/messages`, headers: direct, body: SSE_BODY },
    { id: "anthropic-sse", url: `${platform.url}/proxy/anthropic/v1/messages`, headers: proxied, body: SSE_BODY },
    { id: "subdomain-json", url: `${platform.url}/v1/messages`, headers: subdomain, body: JSON_BODY },
    { id: "subdomain-sse", url: `${platform.url}/v1/messages`, headers: subdomain, body: SSE_BODY },
  ];
  const runs = new Map<string, LoadResult[]>(cases.map((c) => [c.id, []]));
  for (let round = 1; round <= options.rounds; round++) {
    for (const benchCase of cases) {
      const result = await runLoad({
        url: benchCase.url,
        connections: options.connections,
        warmupSeconds: options.warmupSeconds,
        seconds: options.seconds,
        forwardedFor: 0,
        headers: benchCase.headers,
        method: "POST",
        body: benchCase.body,
      });
      runs.get(benchCase.id)?.push(result);
      log(`  round ${round} ${benchCase.id}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
      if (options.verbose && round === 1) log(`    first response: ${JSON.stringify(result.sample)}`);
    }
  }

  const ttfbTargets: TtfbTarget[] = [
    { url: `${upstream.url}/v1/messages`, headers: direct, body: SSE_BODY },
    { url: `${platform.url}/proxy/anthropic/v1/messages`, headers: proxied, body: SSE_BODY },
    { url: `${platform.url}/v1/messages`, headers: subdomain, body: SSE_BODY },
  ];
  const ttfbPlan: TtfbPlan = { targets: ttfbTargets, samples: ttfbSamples, warmup: Math.min(50, ttfbSamples) };
  const ttfb = await runChild("proxy-ttfb.ts", TTFB_PLAN_ENV, ttfbPlan, (ttfbSamples + 100) * 2 * 5_000, isTtfbResult, "time-to-first-byte client");

  const med = (id: string, pick: (r: LoadResult) => number) => median((runs.get(id) ?? []).map(pick)) ?? 0;
  const paired = (a: string, b: string) => median((runs.get(a) ?? []).map((r, i) => r.requestsPerSecond / ((runs.get(b) ?? [])[i]?.requestsPerSecond || Number.NaN)).filter(Number.isFinite));
  const rows = [["case", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors"]];
  for (const c of cases) {
    rows.push([
      c.id,
      Math.round(med(c.id, (r) => r.requestsPerSecond)).toLocaleString("en-US"),
      med(c.id, (r) => r.p50Ms).toFixed(2),
      med(c.id, (r) => r.p99Ms).toFixed(2),
      String((runs.get(c.id) ?? []).reduce((n, r) => n + r.non2xx, 0)),
      String((runs.get(c.id) ?? []).reduce((n, r) => n + r.errors, 0)),
    ]);
  }
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length))) ?? [];
  const table = rows.map((r) => r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join("  ")).join("\n");
  const [ttfbDirect, ttfbProxy, ttfbSubdomain] = ttfb.targets;
  const subJsonRatio = paired("subdomain-json", "direct-json");
  const subSseRatio = paired("subdomain-sse", "direct-sse");
  const subTtfbGap = ttfbDirect && ttfbSubdomain ? ttfbSubdomain.p50Ms - ttfbDirect.p50Ms : undefined;
  const jsonRatio = paired("anthropic-json", "direct-json");
  const sseRatio = paired("anthropic-sse", "direct-sse");
  const ttfbGap = ttfbDirect && ttfbProxy ? ttfbProxy.p50Ms - ttfbDirect.p50Ms : undefined;
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "n/a" : ok ? "PASS" : "short");
  const lines = [
    "",
    "Anthropic proxy (/proxy/anthropic/v1/messages) vs the same stand-in hit directly",
    table,
    "",
    `time to first streamed byte (one call at a time, ${ttfbSamples} each, alternating):`,
    `  direct          p50 ${ttfbDirect?.p50Ms.toFixed(2)} ms  p99 ${ttfbDirect?.p99Ms.toFixed(2)} ms  failures ${ttfbDirect?.failures}`,
    `  anthropic proxy p50 ${ttfbProxy?.p50Ms.toFixed(2)} ms  p99 ${ttfbProxy?.p99Ms.toFixed(2)} ms  failures ${ttfbProxy?.failures}`,
    "",
    "targets (issue 13):",
    `  anthropic-json ÷ direct-json req/s ≥ 0.70: ${jsonRatio?.toFixed(2) ?? "n/a"} ${verdict(jsonRatio === undefined ? undefined : jsonRatio >= 0.7)}`,
    `  anthropic-sse ÷ direct-sse req/s ≥ 0.70:   ${sseRatio?.toFixed(2) ?? "n/a"} ${verdict(sseRatio === undefined ? undefined : sseRatio >= 0.7)}`,
    `  first byte p50, proxy − direct ≤ 1 ms:     ${ttfbGap?.toFixed(2) ?? "n/a"} ms ${verdict(ttfbGap === undefined ? undefined : ttfbGap <= 1)}`,
    "",
    `Subdomain proxy (oc-{id}.${BASE_DOMAIN} → the same stand-in as the sandbox's program; subdomain-* rows above)`,
    `  subdomain       p50 ${ttfbSubdomain?.p50Ms.toFixed(2)} ms  p99 ${ttfbSubdomain?.p99Ms.toFixed(2)} ms  failures ${ttfbSubdomain?.failures} (first streamed byte)`,
    `  subdomain-json ÷ direct-json req/s ≥ 0.70: ${subJsonRatio?.toFixed(2) ?? "n/a"} ${verdict(subJsonRatio === undefined ? undefined : subJsonRatio >= 0.7)}`,
    `  subdomain-sse ÷ direct-sse req/s ≥ 0.70:   ${subSseRatio?.toFixed(2) ?? "n/a"} ${verdict(subSseRatio === undefined ? undefined : subSseRatio >= 0.7)}`,
    `  first byte p50, subdomain − direct ≤ 1 ms: ${subTtfbGap?.toFixed(2) ?? "n/a"} ms ${verdict(subTtfbGap === undefined ? undefined : subTtfbGap <= 1)}`,
  ];
  console.log(lines.join("\n"));
  failed = (ttfbDirect?.failures ?? 0) + (ttfbProxy?.failures ?? 0) + (ttfbSubdomain?.failures ?? 0) > 0;
} catch (error) {
  failed = true;
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);

