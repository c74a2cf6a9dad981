import { z } from "zod";
import { int, port } from "./helpers.ts";

/** The process itself: mode, listener, logs, data directory, shutdown. */
export const ZServerConfig = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: port(3000),
    /** Loopback by default: listening on every interface (0.0.0.0, ::) is a deliberate setting. */
    HOST: z.string().min(1).default("127.0.0.1"),
    PUBLIC_URL: z.url().optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    DATA_DIR: z.string().min(1).default("./data"),
    SHUTDOWN_GRACE_MS: int({ min: 0, fallback: 10_000 }),
  })
  .transform((e) => ({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  }));

export type ServerConfig = z.output<typeof ZServerConfig>;
