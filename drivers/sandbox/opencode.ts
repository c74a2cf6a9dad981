import { baseSandboxSpec, probe } from "./common.ts";
import type { SandboxProgram } from "./types.ts";

export const OPENCODE_PORT = 4096;

/** `opencode serve --port 4096 --hostname 0.0.0.0`; OPENCODE_SERVER_PASSWORD turns on Basic auth (user `opencode`). */
export const opencode: SandboxProgram = {
  type: "opencode",
  port: OPENCODE_PORT,
  acceptsForwardedHeaders: true,
  subdomain: "oc",
  spec: (params, options) =>
    baseSandboxSpec("opencode", OPENCODE_PORT, params, options, {
      env: { OPENCODE_SERVER_PASSWORD: params.secret, OPENCODE_DISABLE_MODELS_FETCH: "1" },
      memoryBytes: 1024 * 1024 * 1024,
    }),
  credentialHeaders: (secret) => ({ authorization: `Basic ${Buffer.from(`opencode:${secret}`).toString("base64")}` }),
  ready: (address, secret, signal) => probe(address, "/global/health", opencode.credentialHeaders(secret), signal),
};
