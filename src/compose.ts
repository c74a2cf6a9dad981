import type { Config } from "./config/index.ts";
import { StreamSlots } from "./platform/stream-slots.ts";
import { openDatabase, type DatabaseHandle } from "../db/connection.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { databaseTarget } from "../db/target.ts";
import { createChainDriver } from "../drivers/chain/index.ts";
import { createContainerDriver } from "../drivers/container/index.ts";
import { createDeviceDriver } from "../drivers/device/index.ts";
import { createBlobStore } from "./platform/blobs/index.ts";
import { createEventBus } from "./platform/events/index.ts";
import { createInvalidatingCache } from "./platform/invalidating-cache.ts";
import type { Logger } from "./platform/logger.ts";
import { createMailer } from "./platform/mail/index.ts";
import { createWorkQueue } from "./platform/queue/index.ts";
import { createRateLimiter } from "./platform/rate-limit/index.ts";
import { loadSigningSecret } from "./platform/secrets.ts";
import type { CachedPrincipal, Services } from "./platform/services.ts";
import { createSessionsModule } from "./domains/sessions/module.ts";
import { issueProxyToken, revokeProxyTokens } from "./domains/anthropic-proxy/index.ts";
import { createSandboxesModule } from "./domains/sandboxes/module.ts";
import { createBoardModule } from "./domains/board/module.ts";
import { createJobsModule } from "./domains/jobs/module.ts";
import { createWalletModule } from "./domains/wallet/module.ts";
import { createComputeModule } from "./domains/compute/module.ts";

export interface CreateServicesOptions {
  config: Config;
  logger: Logger;
  /** An already-open database (tests hand in theirs); otherwise opened from the config. */
  database?: DatabaseHandle;
  /** The URL this process answers on, for links it hands out when PUBLIC_URL is unset. */
  baseUrl: () => string;
}

export interface ServicesHandle {
  services: Services;
  /** First step of shutdown: long-lived streams see the signal and end. */
  endStreams(): void;
  /** Stops workers and closes connections (the database last, unless kept). */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

export async function createServices(options: CreateServicesOptions): Promise<ServicesHandle> {
  const { config, logger } = options;
  const database = options.database ?? (await openDatabase(databaseTarget(config)));
  if (!options.database) await migrateDatabase(database);
  const signingSecret = await loadSigningSecret(config);
  const shutdown = new AbortController();
  const bus = createEventBus({ redisUrl: config.redisUrl, logger, channelPrefix: `${config.redisPrefix}events:` });
  // Bans live in the database; so do sign-in lockouts (password-auth/throttle.ts keys) without Redis.
  const limiter = createRateLimiter({ redisUrl: config.redisUrl, keyPrefix: `${config.redisPrefix}rl:`, db: database.db, durableWindowPrefixes: ["auth:login:"] });
  const queue = createWorkQueue({ db: database.db, logger, pollMs: config.queuePollMs });
  const blobs = createBlobStore({ config, signingSecret, baseUrl: config.publicUrl ?? options.baseUrl });
  const principalCache = await createInvalidatingCache<CachedPrincipal>({
    bus,
    topic: "identity.credentials-invalidated",
    ttlMs: 30_000,
    logger,
  });
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger });
  const containers = await createContainerDriver({
    dockerHost: config.devices.dockerHost,
    mode: config.devices.containerDriver,
    logger,
  });
  logger.info("platform services ready", {
    database: database.kind,
    databaseLocation: database.location,
    events: config.redisUrl ? "redis" : "in-process",
    rateLimits: config.redisUrl ? "redis" : "in-process",
    blobs: blobs.kind,
    mail: mailer.kind,
    containers: containers.kind,
  });
  const chain = createChainDriver(config.chain);
  const devices = createDeviceDriver({ image: config.devices.image, pool: config.devices.pool }, { containers });
  const services: Services = {
    config,
    logger,
    database,
    db: database.db,
    bus,
    queue,
    limiter,
    blobs,
    mailer,
    containers,
    devices,
    signingSecret,
    baseUrl: () => config.publicUrl ?? options.baseUrl(),
    principalCache,
    shutdownSignal: shutdown.signal,
    sessionStreams: new StreamSlots(config.devices.streamsPerUser),
    modules: { sandboxes: await createSandboxesModule({ bus, logger, proxyTokens: { issue: issueProxyToken, revoke: revokeProxyTokens } }), sessions: createSessionsModule({ db: database.db, devices, signingSecret }), jobs: createJobsModule(), wallet: createWalletModule({ config: config.payments, baseUrl: () => config.publicUrl ?? options.baseUrl(), signingSecret }), board: createBoardModule(), compute: createComputeModule({ chain }) },
  };
  let closed = false;
  return {
    services,
    endStreams: () => shutdown.abort(),
    async close(closeOptions) {
      if (closed) return;
      closed = true;
      shutdown.abort();
      await queue.stop();
      await principalCache.close();
      await Promise.allSettled([bus.close(), limiter.close(), mailer.close()]);
      if (!closeOptions?.keepDatabase) await database.close();
    },
  };
}
