import { z } from "zod";

/** Largest output a verifier reads (serialized), and the most log lines one run keeps. */
export const MAX_OUTPUT_BYTES = 1_000_000;

/**
 * How a job's output is checked:
 * - `json_schema`: the output (JSON, or a string holding JSON) validates against the JSON Schema;
 * - `regex`: the output text matches the pattern (run with a time limit, so a catastrophic pattern fails instead of hanging);
 * - `contains`: the output text contains `value`;
 * - `command`: `sh -c command` in a throwaway container (no network; CPU, memory and time limits) with
 *   the output mounted read-only at /output/output (also in $OUTPUT); exit 0 = pass. Needs a container
 *   engine: on the simulator driver a command verifier is refused with 400.
 */
export const ZVerifierSpec = z.discriminatedUnion("type", [
  z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal("regex"),
    pattern: z.string().min(1).max(1000),
    flags: z.string().regex(/^[imsu]{0,4}$/, "only i, m, s and u").optional(),
  }),
  z.object({ type: z.literal("contains"), value: z.string().min(1).max(10_000), case_sensitive: z.boolean().default(true) }),
  z.object({ type: z.literal("command"), command: z.string().min(1).max(4_000) }),
]);
export type TVerifierSpec = z.infer<typeof ZVerifierSpec>;

/** A job's output: any JSON value, at most MAX_OUTPUT_BYTES once serialized. */
export const ZJobOutput = z
  .unknown()
  .refine((value) => value !== undefined, "is required")
  .refine((value) => (JSON.stringify(value) ?? "").length <= MAX_OUTPUT_BYTES, `must be at most ${MAX_OUTPUT_BYTES} bytes as JSON`);

export const ZVerdict = z.object({
  passed: z.boolean(),
  /** One line per step of the check, in order. */
  log: z.array(z.string()),
});
export type TVerdict = z.infer<typeof ZVerdict>;
