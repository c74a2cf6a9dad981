import type { Context } from "../../trpc/context.ts";
import { secureCookies } from "../../auth/resolve-principal.ts";
import type { SessionSettings } from "../../auth/browser-session.ts";

/** The cookie-session settings every password procedure that signs a browser in passes on. */
export function sessionSettings(ctx: Context): SessionSettings {
  return { ttlDays: ctx.services.config.identity.sessionTtlDays, secure: secureCookies(ctx.services) };
}
