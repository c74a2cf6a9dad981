import { runVerification } from "./procedures/run-verification.ts";

/** `POST /api/verify` (market): a verifier run standalone. */
export const verifyProcedures = { run: runVerification };
