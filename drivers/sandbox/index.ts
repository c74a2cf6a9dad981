/** Sandbox programs (see types.ts): the one switch from a sandbox type to its program. */
import { openclaw } from "./openclaw.ts";
import { opencode } from "./opencode.ts";
import type { SandboxProgram, SandboxType } from "./types.ts";

export type * from "./types.ts";
export { SANDBOX_LABELS } from "./types.ts";
export { sandboxContainerName, sandboxVolumeName } from "./common.ts";
export { OPENCODE_PORT } from "./opencode.ts";
export { OPENCLAW_PORT } from "./openclaw.ts";

export function sandboxProgram(type: SandboxType): SandboxProgram {
  switch (type) {
    case "opencode":
      return opencode;
    case "openclaw":
      return openclaw;
  }
}

/** The program a subdomain prefix names (`oc`, `claw`), or undefined. */
export function programOfSubdomain(prefix: string): SandboxProgram | undefined {
  return [opencode, openclaw].find((program) => program.subdomain === prefix);
}
