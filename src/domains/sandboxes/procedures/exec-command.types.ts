import { z } from "zod";
import { ZSandboxId } from "../sandboxes.types.ts";

export const ZExecInput = z.object({
  id: ZSandboxId,
  /** One string runs as `sh -c`; an array is the argv itself. */
  command: z.union([z.string().min(1).max(16_384), z.array(z.string().max(16_384)).min(1).max(256)]),
  /** Time limit; past it the answer has `timed_out: true` and what was read so far. */
  timeout_s: z.number().int().min(1).max(600).default(60),
  stdin: z.string().max(1_000_000).optional(),
});

export const ZExecOutput = z.object({
  exit_code: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  timed_out: z.boolean(),
  duration_ms: z.number().int(),
});
