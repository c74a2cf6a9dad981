import type { EndpointLimit } from "../platform/rate-limit/per-ip-endpoint.ts";
import type { RateLimitPolicy } from "./types.ts";

type EndpointPolicy = Extract<RateLimitPolicy, { kind: "per-ip-endpoint" }>;

/** `/credentials/{token_id}` and `/credentials/:tokenId` are the same route: parameter names vary. */
function shape(template: string): string {
  return template.replace(/\/(?::\w+|\{\w+\})/g, "/:");
}

/**
 * What a `per-ip-endpoint` policy does for one route template. Templates not in its table are
 * unlimited but still refuse banned IPs. Resolved once per route (start-up, or a procedure's first
 * call), never per request.
 */
export function endpointLimitOf(policy: EndpointPolicy, template: string): EndpointLimit {
  const key = shape(template);
  let match: { pattern: string; rule: EndpointLimit["rule"] } | undefined;
  for (const [pattern, rule] of Object.entries(policy.endpoints)) {
    if (pattern.endsWith("/*")) {
      const prefix = pattern.slice(0, -1);
      if (!match && (key.startsWith(prefix) || key === prefix.slice(0, -1))) match = { pattern, rule };
    } else if (shape(pattern) === key) {
      match = { pattern, rule };
      break;
    }
  }
  const pattern = match?.pattern ?? key;
  return {
    pattern,
    rule: match?.rule ?? null,
    banExempt: policy.banExempt.some((path) => shape(path) === key),
    admin: pattern === policy.adminPattern,
  };
}
