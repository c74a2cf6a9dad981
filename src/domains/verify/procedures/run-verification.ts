import { JSON_ENVELOPE_BYTES } from "../../../trpc/meta.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { MAX_OUTPUT_BYTES } from "../verify.types.ts";
import { commandSandbox } from "../sandbox.ts";
import { verifyOnce } from "../verifiers.ts";
import { ZRunVerificationInput, ZRunVerificationResponse } from "./run-verification.types.ts";

export const runVerification = authedProcedure
  .meta({
    access: "user",
    maxBodyBytes: MAX_OUTPUT_BYTES + JSON_ENVELOPE_BYTES,
    longRunning: true,
    rest: {
      method: "POST",
      path: "/api/verify",
      surface: "market",
      summary: "Run a verifier on an output, standalone: the verdict and the log",
      description:
        "The same verifiers a job carries: json_schema, regex, contains, command (a throwaway container: no network, VERIFY_* limits, exit 0 = pass). Nothing is stored.",
      auth: ["bearer", "cookie"],
      errors: { 400: "The spec cannot run: a schema that does not compile, a bad pattern, or a command verifier on a platform without a container engine." },
    },
  })
  .input(ZRunVerificationInput)
  .output(ZRunVerificationResponse)
  .mutation(({ ctx, input }) => verifyOnce(input.verifier, input.output, commandSandbox(ctx.services.containers, ctx.services.config.jobs.verifier)));
