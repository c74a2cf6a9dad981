import { z } from "zod";
import { int } from "./helpers.ts";

/** The durable work queue. */
export const ZQueueConfig = z
  .object({
    QUEUE_POLL_MS: int({ min: 10, fallback: 500 }),
  })
  .transform((e) => ({ queuePollMs: e.QUEUE_POLL_MS }));

export type QueueConfig = z.output<typeof ZQueueConfig>;
