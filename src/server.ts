/** Entry: configuration → platform → listener; SIGTERM/SIGINT shut down gracefully. */
import { ConfigError, loadConfig } from "./config/index.ts";
import { DataDirLockedError } from "./platform/data-dir-lock.ts";
import { createLogger } from "./platform/logger.ts";
import { startPlatform } from "./start.ts";

// Before anything is written: what this process creates (database files, blobs, secrets) is its user's alone.
process.umask(0o077);

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger({ level: config.logLevel });
const platform = await startPlatform({ config, logger }).catch((error: unknown) => {
  if (error instanceof DataDirLockedError) {
    logger.error("another process holds the data directory", { dataDir: error.dir, holderPid: error.holderPid });
    console.error(error.message);
  } else {
    logger.error("start-up failed", { error: error instanceof Error ? error : String(error) });
  }
  process.exit(1);
});

let signals = 0;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) process.exit(1);
    logger.info("signal received", { signal });
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("shutdown failed", { error: error instanceof Error ? error : String(error) });
        process.exit(1);
      },
    );
  });
}
