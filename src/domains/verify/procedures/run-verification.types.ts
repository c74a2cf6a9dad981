import { z } from "zod";
import { ZJobOutput, ZVerdict, ZVerifierSpec } from "../verify.types.ts";

export const ZRunVerificationInput = z.object({ verifier: ZVerifierSpec, output: ZJobOutput });
export const ZRunVerificationResponse = ZVerdict;
