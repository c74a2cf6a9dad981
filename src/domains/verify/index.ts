/** The verify domain's entry for other domains (jobs run a job's verifier through it). */
export { checkVerifierSpec, runVerifier } from "./verifiers.ts";
export { commandSandbox } from "./sandbox.ts";
export type { CommandSandbox } from "./command.ts";
export { MAX_OUTPUT_BYTES, ZJobOutput, ZVerifierSpec, type TVerifierSpec } from "./verify.types.ts";
