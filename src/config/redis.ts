import { z } from "zod";

/** Redis for the events bus and rate limits shared by replicas; unset, both stay in-process. */
export const ZRedisConfig = z
  .object({
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// URL")
      .optional(),
    /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
    REDIS_PREFIX: z.string().regex(/^[\w:.-]{0,64}$/, "letters, digits and : . _ - only").default("ac:"),
  })
  .transform((e) => ({ redisUrl: e.REDIS_URL, redisPrefix: e.REDIS_PREFIX }));

export type RedisConfig = z.output<typeof ZRedisConfig>;
