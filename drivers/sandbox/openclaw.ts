import { baseSandboxSpec, probe } from "./common.ts";
import type { SandboxProgram } from "./types.ts";

export const OPENCLAW_PORT = 18789;

/**
 * `openclaw gateway run --bind lan --auth token --token $OPENCLAW_GATEWAY_TOKEN --allow-unconfigured`
 * on 18789. It uses ~830 MB, so its memory limit is 1.5 GiB.
 */
export const openclaw: SandboxProgram = {
  type: "openclaw",
  port: OPENCLAW_PORT,
  acceptsForwardedHeaders: false,
  subdomain: "claw",
  spec: (params, options) =>
    baseSandboxSpec("openclaw", OPENCLAW_PORT, params, options, {
      env: { OPENCLAW_GATEWAY_TOKEN: params.secret },
      memoryBytes: 1536 * 1024 * 1024,
    }),
  credentialHeaders: (secret) => ({ authorization: `Bearer ${secret}` }),
  ready: (address, _secret, signal) => probe(address, "/readyz", {}, signal),
};
