import type { AnyRouter } from "@trpc/server";
import { createApp } from "./app.ts";
import type { Config } from "./config/index.ts";
import type { DatabaseHandle } from "../db/connection.ts";
import { startDomainWorkers } from "./domains/workers.ts";
import { createServices } from "./compose.ts";
import { lockDataDir } from "./platform/data-dir-lock.ts";
import { makeDataDirPrivate } from "../db/data-dir.ts";
import type { Logger } from "./platform/logger.ts";
import type { Services } from "./platform/services.ts";

export interface RunningPlatform {
  url: string;
  port: number;
  services: Services;
  /** Graceful: stop accepting, end streams, drain requests (up to the grace period), close. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

/** Services → app → listener. The entry point and the test harness both start the platform here. */
export async function startPlatform(options: {
  config: Config;
  logger: Logger;
  database?: DatabaseHandle;
  router?: AnyRouter;
}): Promise<RunningPlatform> {
  const { config, logger } = options;
  const listenHost = config.host;
  const displayHost = listenHost === "0.0.0.0" || listenHost === "::" ? "127.0.0.1" : listenHost;
  // The port is known only after listen when PORT=0, but services need a base URL first.
  let baseUrl = `http://${displayHost}:${config.port}`;
  makeDataDirPrivate(config.dataDir);
  // Two processes on one embedded database each keep their own copy and lose each other's writes.
  const lock = options.database || config.databaseUrl ? undefined : lockDataDir(config.dataDir);
  const handle = await createServices({ config, logger, database: options.database, baseUrl: () => baseUrl }).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  const services = handle.services;
  const app = createApp(services, options.router);
  const workers = startDomainWorkers(services);
  try {
    // Elysia asks for reusePort, which lets a second process listen on the same port and take half the requests.
    app.listen({ port: config.port, hostname: listenHost, idleTimeout: config.connections.idleTimeoutS, reusePort: false });
  } catch (error) {
    await workers.stop();
    await handle.close();
    lock?.release();
    throw error;
  }
  const server = app.server;
  if (!server) throw new Error("listener did not start");
  const port = server.port ?? config.port;
  baseUrl = config.publicUrl ?? `http://${displayHost}:${port}`;
  logger.info("listening", { url: `http://${displayHost}:${port}`, host: listenHost, port });

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    services,
    stop(stopOptions) {
      stopping ??= (async () => {
        logger.info("shutting down", { graceMs: config.shutdownGraceMs });
        const drained = server.stop(false);
        // Streams end on the shutdown signal, which lets the drain finish.
        handle.endStreams();
        const timedOut = await Promise.race([
          drained.then(() => false),
          Bun.sleep(config.shutdownGraceMs).then(() => true),
        ]);
        if (timedOut) {
          logger.warn("grace period over; closing remaining connections");
          await server.stop(true);
        }
        await workers.stop();
        await handle.close({ keepDatabase: stopOptions?.keepDatabase });
        lock?.release();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
