import { z } from "zod";

/** Every environment variable the platform reads. `.env.example` documents each one. */
const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Loopback by default: listening on every interface (0.0.0.0, ::) is a deliberate setting. */
  HOST: z.string().min(1).default("127.0.0.1"),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres|postgresql):\/\//, "must be a postgres:// URL")
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional(),
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{0,64}$/, "letters, digits and : . _ - only").default("ac:"),
  /** Secret used to sign platform URLs (blob links); generated and kept under DATA_DIR when unset. */
  SIGNING_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Agent Cloud <no-reply@localhost>"),
  /** Comma-separated proxy addresses whose X-Forwarded-For is believed. */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  /** Comma-separated e-mails that are platform admins (bootstrapped at sign-in). */
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** Magic-link sign-up needs a valid unused invite code while this is true. */
  REQUIRE_INVITES: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Key id of the current JWT signing key; keys derive from SIGNING_SECRET, so rotating is a new id. */
  JWT_KEY_ID: z.string().regex(/^[\w.-]{1,32}$/, "letters, digits, . _ - only").default("k1"),
  /** Older key ids still accepted while their tokens expire. */
  JWT_PREVIOUS_KEY_IDS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** Overrides for GitHub Enterprise (and tests): where authorize/token and the REST API live. */
  GITHUB_OAUTH_URL: z.url().default("https://github.com"),
  GITHUB_API_URL: z.url().default("https://api.github.com"),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** auto: Docker/Podman when DOCKER_HOST (or a default socket) answers, else the simulator. */
  CONTAINER_DRIVER: z.enum(["auto", "docker", "simulator"]).default("auto"),
  DOCKER_HOST: z.string().min(1).optional(),
  DEVICE_IMAGE: z.string().min(1).default("redroid/redroid:14.0.0-latest"),
  /** Labels this deployment's devices; the reconciler only touches its own pool, so deployments can share an engine. */
  DEVICE_POOL: z.string().regex(/^[\w.-]{1,63}$/, "letters, digits and . _ - only").default("default"),
  /** Devices one engine may run at once; beyond it POST /api/sessions answers 503. */
  DEVICE_CAPACITY: z.coerce.number().int().min(0).default(4),
  DEVICE_BOOT_TIMEOUT_S: z.coerce.number().int().min(1).default(180),
  /** How often the session reconciler runs (orphans, stuck starts, idle sessions). */
  SESSION_RECONCILE_MS: z.coerce.number().int().min(100).default(30_000),
  /** Lease of a device allocation job; a crashed worker's allocation resumes after it. */
  SESSION_ALLOCATE_LEASE_MS: z.coerce.number().int().min(1_000).default(30_000),
  SESSIONS_PER_HOUR: z.coerce.number().int().min(1).default(5),
  /** Live sessions (devices) requested from one client address at once, whatever the accounts; 429 beyond. */
  DEVICE_PER_IP: z.coerce.number().int().min(1).default(2),
  /** What one user may keep uploaded (APKs, skill versions, files pushed onto live devices), in MiB; 403 beyond. */
  USER_STORAGE_QUOTA_MB: z.coerce.number().int().min(1).default(512),
  /** Open event streams (SSE, tRPC subscriptions) per user and process. */
  SESSION_STREAMS_PER_USER: z.coerce.number().int().min(1).default(20),
  SKILL_SHARING: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Seconds a connection may stay silent (a stalled body, an idle keep-alive); streams are exempt. Bun allows at most 255. */
  REQUEST_IDLE_TIMEOUT_S: z.coerce.number().int().min(1).max(255).default(30),
  /** Requests one client address may have in flight at once, streams included; beyond it 429. */
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(64),
  /** Open streams (REST SSE, tRPC subscriptions) per client address; beyond it 429. */
  MAX_STREAMS_PER_IP: z.coerce.number().int().min(1).default(16),
  QUEUE_POLL_MS: z.coerce.number().int().min(10).default(500),
});

export type TEnv = z.output<typeof ZEnv>;

export interface Config {
  env: TEnv["NODE_ENV"];
  port: number;
  host: string;
  publicUrl: string | undefined;
  logLevel: TEnv["LOG_LEVEL"];
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  signingSecret: string | undefined;
  s3:
    | {
        bucket: string;
        endpoint: string | undefined;
        region: string | undefined;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
      }
    | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  trustedProxies: string[];
  shutdownGraceMs: number;
  /** Per client address (after TRUSTED_PROXIES): idle timeout and caps on in-flight requests and streams. */
  connections: { idleTimeoutS: number; perIp: number; streamsPerIp: number };
  queuePollMs: number;
  skillSharing: boolean;
  devices: {
    containerDriver: "auto" | "docker" | "simulator";
    dockerHost: string | undefined;
    image: string;
    pool: string;
    capacity: number;
    bootTimeoutS: number;
    sessionsPerHour: number;
    perIp: number;
    streamsPerUser: number;
    storageQuotaBytes: number;
    reconcileMs: number;
    allocateLeaseMs: number;
  };
  identity: {
    adminEmails: string[];
    requireInvites: boolean;
    jwtKeyId: string;
    jwtPreviousKeyIds: string[];
    accessTokenTtlS: number;
    refreshTokenTtlDays: number;
    sessionTtlDays: number;
    github: { clientId: string; clientSecret: string; oauthUrl: string; apiUrl: string } | undefined;
    oidc: { issuer: string; clientId: string; clientSecret: string | undefined } | undefined;
  };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once. Empty strings count as unset, as in most .env loaders. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== "") cleaned[key] = value;
  }
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV === "production" && !e.SMTP_URL) {
    // Without a mailer a sign-in link could only be handed out in the response, to whoever asked.
    throw new ConfigError(["SMTP_URL: required when NODE_ENV=production (sign-in links must be e-mailed)"]);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    signingSecret: e.SIGNING_SECRET,
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
        }
      : undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    trustedProxies: e.TRUSTED_PROXIES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    connections: { idleTimeoutS: e.REQUEST_IDLE_TIMEOUT_S, perIp: e.MAX_CONNECTIONS_PER_IP, streamsPerIp: e.MAX_STREAMS_PER_IP },
    queuePollMs: e.QUEUE_POLL_MS,
    skillSharing: e.SKILL_SHARING,
    devices: {
      containerDriver: e.CONTAINER_DRIVER,
      dockerHost: e.DOCKER_HOST,
      image: e.DEVICE_IMAGE,
      pool: e.DEVICE_POOL,
      capacity: e.DEVICE_CAPACITY,
      bootTimeoutS: e.DEVICE_BOOT_TIMEOUT_S,
      sessionsPerHour: e.SESSIONS_PER_HOUR,
      perIp: e.DEVICE_PER_IP,
      streamsPerUser: e.SESSION_STREAMS_PER_USER,
      storageQuotaBytes: e.USER_STORAGE_QUOTA_MB * 1024 * 1024,
      reconcileMs: e.SESSION_RECONCILE_MS,
      allocateLeaseMs: e.SESSION_ALLOCATE_LEASE_MS,
    },
    identity: {
      adminEmails: e.ADMIN_EMAILS,
      requireInvites: e.REQUIRE_INVITES,
      jwtKeyId: e.JWT_KEY_ID,
      jwtPreviousKeyIds: e.JWT_PREVIOUS_KEY_IDS,
      accessTokenTtlS: e.ACCESS_TOKEN_TTL_S,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      sessionTtlDays: e.SESSION_TTL_DAYS,
      github:
        e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
          ? { clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET, oauthUrl: e.GITHUB_OAUTH_URL, apiUrl: e.GITHUB_API_URL }
          : undefined,
      oidc:
        e.OIDC_ISSUER && e.OIDC_CLIENT_ID
          ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET }
          : undefined,
    },
  };
}
