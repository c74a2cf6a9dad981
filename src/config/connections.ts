import { z } from "zod";
import { csv, int } from "./helpers.ts";

/** Per client address (after TRUSTED_PROXIES): idle timeout and caps on in-flight requests and streams. */
export const ZConnectionsConfig = z
  .object({
    /** Comma-separated proxy addresses whose X-Forwarded-For is believed. */
    TRUSTED_PROXIES: csv(),
    /** Seconds a connection may stay silent (a stalled body, an idle keep-alive); streams are exempt. Bun allows at most 255. */
    REQUEST_IDLE_TIMEOUT_S: int({ min: 1, max: 255, fallback: 30 }),
    /** Requests one client address may have in flight at once, streams included; beyond it 429. */
    MAX_CONNECTIONS_PER_IP: int({ min: 1, fallback: 64 }),
    /** Open streams (REST SSE, tRPC subscriptions) per client address; beyond it 429. */
    MAX_STREAMS_PER_IP: int({ min: 1, fallback: 16 }),
  })
  .transform((e) => ({
    trustedProxies: e.TRUSTED_PROXIES,
    connections: {
      idleTimeoutS: e.REQUEST_IDLE_TIMEOUT_S,
      perIp: e.MAX_CONNECTIONS_PER_IP,
      streamsPerIp: e.MAX_STREAMS_PER_IP,
    },
  }));

export type ConnectionsConfig = z.output<typeof ZConnectionsConfig>;
