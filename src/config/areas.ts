import type { z } from "zod";
import { ZAnthropicConfig } from "./anthropic.ts";
import { ZAuthConfig } from "./auth.ts";
import { ZBlobsConfig } from "./blobs.ts";
import { ZChainConfig } from "./chain.ts";
import { ZConnectionsConfig } from "./connections.ts";
import { ZDatabaseConfig } from "./database.ts";
import { ZDevicesConfig } from "./devices.ts";
import { envKeys } from "./helpers.ts";
import { ZJobsConfig } from "./jobs.ts";
import { ZMailConfig } from "./mail.ts";
import { ZOidcConfig } from "./oidc.ts";
import { ZPaymentsConfig } from "./payments.ts";
import { ZQueueConfig } from "./queue.ts";
import { ZRedisConfig } from "./redis.ts";
import { ZSandboxesConfig } from "./sandboxes.ts";
import { ZServerConfig } from "./server.ts";
import { ZSessionsConfig } from "./sessions.ts";
import { ZSigningConfig } from "./signing.ts";
import { ZSkillsConfig } from "./skills.ts";

/** Every area of the configuration; each reads its own environment variables. A new area is one line here and one in `composeConfig`. */
export const CONFIG_AREAS = {
  server: ZServerConfig,
  connections: ZConnectionsConfig,
  database: ZDatabaseConfig,
  redis: ZRedisConfig,
  queue: ZQueueConfig,
  signing: ZSigningConfig,
  blobs: ZBlobsConfig,
  mail: ZMailConfig,
  auth: ZAuthConfig,
  oidc: ZOidcConfig,
  devices: ZDevicesConfig,
  sessions: ZSessionsConfig,
  skills: ZSkillsConfig,
  jobs: ZJobsConfig,
  chain: ZChainConfig,
  anthropic: ZAnthropicConfig,
  payments: ZPaymentsConfig,
  sandboxes: ZSandboxesConfig,
};

export type ConfigAreas = { [Name in keyof typeof CONFIG_AREAS]: z.output<(typeof CONFIG_AREAS)[Name]> };

/** Every environment variable the platform reads, from the areas' own schemas. */
export const CONFIG_ENV_KEYS: readonly string[] = Object.values(CONFIG_AREAS).flatMap(envKeys);

/** The areas' slices placed where consumers read them; `Config` is exactly this shape. */
export function composeConfig(areas: ConfigAreas) {
  return {
    ...areas.server,
    ...areas.connections,
    ...areas.database,
    ...areas.redis,
    ...areas.queue,
    ...areas.signing,
    ...areas.blobs,
    ...areas.mail,
    ...areas.skills,
    jobs: areas.jobs,
    chain: areas.chain,
    anthropic: areas.anthropic,
    payments: areas.payments,
    devices: { ...areas.devices, ...areas.sessions },
    identity: { ...areas.auth, ...areas.oidc },
    sandboxes: areas.sandboxes,
  };
}

export type Config = ReturnType<typeof composeConfig>;
