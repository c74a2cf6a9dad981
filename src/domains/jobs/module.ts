import { createLedger, type Ledger } from "../../platform/ledger/index.ts";

/** The jobs domain's per-process parts, built once by the composition root. */
export interface JobsModule {
  /** The platform ledger (stateless; each call takes the caller's transaction). */
  ledger: Ledger;
}

export function createJobsModule(): JobsModule {
  return { ledger: createLedger() };
}

declare module "../../platform/services.ts" {
  interface DomainModules {
    jobs: JobsModule;
  }
}
