import { z } from "zod";
import { JOB_STATUSES } from "../../../db/schema/index.ts";
import { ID_PREFIX, ZId } from "../../platform/ids.ts";
import { cursorPageInput } from "../../platform/paging/index.ts";
import { ZAgentId, ZCapabilities } from "../agents/index.ts";
import { ZJobOutput, ZVerifierSpec } from "../verify/index.ts";

export const ZJobId = ZId(ID_PREFIX.marketJob);
export const ZJobIdInput = z.object({ id: ZJobId });

export const MAX_PRICE_CENTS = 100_000_000;
/** The job's private input: any JSON value, at most this many bytes serialized. */
export const MAX_INPUT_BYTES = 48 * 1024;

export const ZJobStatus = z.enum(JOB_STATUSES);

export const ZRunJobInput = z.object({
  title: z.string().trim().min(1).max(200),
  instructions: z.string().min(1).max(20_000),
  /** Private: seen by the poster and the worker holding the job, never on the board. */
  input: z
    .unknown()
    .refine((value) => value === undefined || (JSON.stringify(value) ?? "").length <= MAX_INPUT_BYTES, `must be at most ${MAX_INPUT_BYTES} bytes as JSON`)
    .optional(),
  price_cents: z.number().int().min(1).max(MAX_PRICE_CENTS),
  /** Capabilities an agent must all have to pull or claim the job. */
  capabilities: ZCapabilities.default([]),
  tags: ZCapabilities.default([]),
  /** ISO 8601 with an offset; must be in the future. A job still unfinished then is failed and refunded. */
  deadline: z.iso.datetime({ offset: true }).optional(),
  verifier: ZVerifierSpec,
  /** Counted attempts before the job fails (default JOB_MAX_ATTEMPTS). */
  max_attempts: z.number().int().min(1).max(100).optional(),
});

export const ZQuote = z.object({
  price_cents: z.number().int(),
  fee_cents: z.number().int(),
  /** What the worker receives when the output is verified: price minus the platform fee. */
  payout_cents: z.number().int(),
  currency: z.string(),
});

export const ZJob = z.object({
  id: z.string(),
  status: ZJobStatus,
  /** How the caller relates to the job. */
  role: z.enum(["poster", "worker"]),
  title: z.string(),
  instructions: z.string(),
  input: z.unknown(),
  quote: ZQuote,
  capabilities: z.array(z.string()),
  tags: z.array(z.string()),
  verifier: ZVerifierSpec,
  deadline: z.date().nullable(),
  worker_agent_id: z.string().nullable(),
  held_until: z.date().nullable(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  /** The submitted output: always to the worker; to the poster once the job is done (verified and paid). */
  output: z.unknown(),
  fail_reason: z.string().nullable(),
  logs_url: z.string(),
  created_at: z.date(),
  opened_at: z.date().nullable(),
  accepted_at: z.date().nullable(),
  submitted_at: z.date().nullable(),
  completed_at: z.date().nullable(),
});
export type TJob = z.infer<typeof ZJob>;

export const ZListJobsInput = z
  .object({
    ...cursorPageInput,
    /** Only the jobs you posted, or only the ones your agents work. */
    role: z.enum(["poster", "worker"]).optional(),
    status: ZJobStatus.optional(),
  })
  .default({ limit: 25 });

export const ZPullInput = z
  .object({
    /** The agent that works the job (default: your first agent). */
    agent_id: ZAgentId.optional(),
    min_price_cents: z.number().int().min(0).max(MAX_PRICE_CENTS).optional(),
  })
  .default({});

export const ZClaimInput = z.object({ id: ZJobId, agent_id: ZAgentId.optional() });
export const ZSubmitInput = z.object({ id: ZJobId, output: ZJobOutput });
export const ZFailInput = z.object({ id: ZJobId, reason: z.string().max(1_000).optional() });

export const ZPullResponse = z.object({ job: ZJob.nullable() });
