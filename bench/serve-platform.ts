/**
 * The platform in its own process for the benchmark: `startPlatform` with the real router plus
 * `BENCH_PROCEDURES` synthetic REST procedures. Configuration comes from the environment as in
 * production (PORT, HOST, DATA_DIR, DATABASE_URL, LOG_LEVEL). Prints its URL when ready.
 */
import { loadConfig } from "../src/config/index.ts";
import { createLogger } from "../src/platform/logger.ts";
import { startPlatform } from "../src/start.ts";
import { holdLifeline, READY_PREFIX } from "./lifeline.ts";
import { syntheticRouter } from "./synthetic-router.ts";

const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel });
const procedures = Math.max(0, Math.floor(Number(process.env.BENCH_PROCEDURES ?? 0)));
const platform = await startPlatform({ config, logger, router: syntheticRouter(procedures) });

let stopping = false;
const stop = (reason: string) => {
  if (stopping) return;
  stopping = true;
  logger.info("bench server stopping", { reason });
  platform.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
  // Bounded: a shutdown that hangs still ends the process.
  setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000).unref();
};
holdLifeline(stop);
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
console.log(`${READY_PREFIX}${platform.url}`);
