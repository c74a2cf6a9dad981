import type { Services } from "../../platform/services.ts";
import type { RequestInfo } from "../../trpc/context.ts";

/**
 * The base of links mailed out: PUBLIC_URL, else the platform's own listener address — never the
 * request's Host header, which a caller controls and could point a victim's token at.
 */
export function linkBase(services: Pick<Services, "baseUrl">, _request?: RequestInfo): string {
  return services.baseUrl();
}
