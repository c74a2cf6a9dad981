import { z } from "zod";
import { int } from "./helpers.ts";

/**
 * The Anthropic proxy (`/proxy/anthropic/*`, document 002): the real key, held only by the
 * platform, and each sandbox's limits. Unset ANTHROPIC_API_KEY: the proxy answers 503.
 * `Config.anthropic`.
 */
export const ZAnthropicConfig = z
  .object({
    /** The platform's own Anthropic key; injected into proxied calls, never given to a sandbox, logged or stored. */
    ANTHROPIC_API_KEY: z.string().min(1).optional(),
    /** Where proxied calls go: Anthropic's API, or a stand-in (`/proxy/anthropic/v1/messages` → `<base>/v1/messages`). */
    ANTHROPIC_BASE_URL: z
      .string()
      .regex(/^https?:\/\/[^/?#]+(\/[^?#]*)?$/, "an http(s) URL without query or fragment")
      .default("https://api.anthropic.com")
      .transform((url) => url.replace(/\/+$/, "")),
    /** Proxied requests one sandbox may make per minute; beyond it 429 `rate_limit_error`. 0: no limit. */
    ANTHROPIC_SANDBOX_RPM: int({ min: 0, fallback: 120 }),
    /** Input plus output tokens one sandbox may use in the last minute before further requests answer 429. 0: no limit. */
    ANTHROPIC_SANDBOX_TPM: int({ min: 0, fallback: 400_000 }),
  })
  .transform((e) => ({
    apiKey: e.ANTHROPIC_API_KEY,
    baseUrl: e.ANTHROPIC_BASE_URL,
    requestsPerMinute: e.ANTHROPIC_SANDBOX_RPM,
    tokensPerMinute: e.ANTHROPIC_SANDBOX_TPM,
  }));

export type AnthropicConfig = z.output<typeof ZAnthropicConfig>;
