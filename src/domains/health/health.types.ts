import { z } from "zod";

export const ZHealthResponse = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.object({
    kind: z.enum(["pglite", "postgres"]),
    reachable: z.boolean(),
    latency_ms: z.number(),
  }),
  uptime_s: z.number().int(),
  time: z.string(),
});
export type THealthResponse = z.infer<typeof ZHealthResponse>;

export const ZHealthWatchInput = z
  .object({
    /** Seconds between reports. */
    interval_s: z.number().int().min(1).max(3600).default(15),
    lastEventId: z.string().optional(),
  })
  .default({ interval_s: 15 });

/** The OpenAPI description both health routes share. */
export const HEALTH_DESCRIPTION = "Unauthenticated liveness and database reachability.";
