import type { RateLimitRule } from "../../platform/rate-limit/types.ts";
import { ADMIN_COMPUTE_PATTERN, BAN_EXEMPT_COMPUTE_PATHS, COMPUTE_LIMITS } from "./limits.ts";

/** What the compute policy does for one route template. */
export interface ComputeRoute {
  /** The table entry that matched (the bucket name), or the template itself when none did. */
  pattern: string;
  rule: RateLimitRule | null;
  banExempt: boolean;
  /** An admin route: a signed-in admin has a budget of their own and passes the IP's ban. */
  admin: boolean;
}

/** `/credentials/{token_id}` and `/credentials/:tokenId` are the same route: parameter names vary. */
function shape(template: string): string {
  return template.replace(/\/(?::\w+|\{\w+\})/g, "/:");
}

const exact = new Map<string, { pattern: string; rule: RateLimitRule | null }>();
const prefixes: { prefix: string; pattern: string; rule: RateLimitRule | null }[] = [];
for (const [pattern, rule] of Object.entries(COMPUTE_LIMITS)) {
  if (pattern.endsWith("/*")) prefixes.push({ prefix: pattern.slice(0, -1), pattern, rule });
  else exact.set(shape(pattern), { pattern, rule });
}
const exempt = new Set(BAN_EXEMPT_COMPUTE_PATHS.map(shape));

const resolved = new Map<string, ComputeRoute>();

/**
 * The rule for a compute route template. Templates not in the table are unlimited but still
 * refuse banned IPs. Memoised: the set of templates is the route table's, fixed at start-up.
 */
export function computeRouteFor(template: string): ComputeRoute {
  const known = resolved.get(template);
  if (known) return known;
  const key = shape(template);
  const match =
    exact.get(key) ?? prefixes.find((p) => key.startsWith(p.prefix) || key === p.prefix.slice(0, -1));
  const pattern = match?.pattern ?? key;
  const route: ComputeRoute = {
    pattern,
    rule: match?.rule ?? null,
    banExempt: exempt.has(key),
    admin: pattern === ADMIN_COMPUTE_PATTERN,
  };
  resolved.set(template, route);
  return route;
}
