import { generateCodeVerifier, generateState } from "arctic";
import type { DbOrTx } from "../../../db/connection.ts";
import type { Config } from "../../config/index.ts";
import { audit } from "../../platform/audit.ts";
import type { RequestMeta } from "../../platform/request.ts";
import { AppError, isAppError } from "../../platform/errors.ts";
import type { InvalidatingCache } from "../../platform/invalidating-cache.ts";
import type { Logger } from "../../platform/logger.ts";
import type { CachedPrincipal } from "../../platform/services.ts";
import { startBrowserSession, type SessionSettings } from "../../auth/browser-session.ts";
import { flowCookie, openFlow, sealFlow } from "./flow-cookie.ts";
import { linkExternalIdentity } from "./link-account.ts";
import type { TOAuthProvider } from "./oidc.types.ts";
import { oauthProvider } from "./providers.ts";
import { safeReturnTo } from "./return-to.ts";

export interface OAuthDeps {
  identity: Config["identity"];
  signingSecret: string;
}

/** Step 1: fresh state, PKCE verifier and nonce, sealed into the flow cookie; where to send the browser. */
export async function startOAuthSignIn(
  deps: OAuthDeps,
  input: { provider: TOAuthProvider; returnTo: string | undefined; redirectUri: string; secure: boolean },
): Promise<{ location: string; cookie: string }> {
  const provider = oauthProvider(deps.identity, input.provider);
  const secrets = {
    state: generateState(),
    codeVerifier: generateCodeVerifier(),
    nonce: provider.name === "generic" ? generateState() : null,
  };
  const location = await provider.authorizationUrl({ redirectUri: input.redirectUri, secrets });
  const sealed = await sealFlow(deps.signingSecret, { provider: input.provider, returnTo: safeReturnTo(input.returnTo), ...secrets });
  return { location: location.toString(), cookie: flowCookie(input.provider, sealed, input.secure) };
}

export interface CallbackQuery {
  code: string | undefined;
  state: string | undefined;
  error: string | undefined;
  iss: string | undefined;
}

/**
 * Step 2: the state must match the flow cookie's; the code is exchanged and the identity proven by
 * the provider; the user is linked by verified e-mail and signed in. Audited as `auth.login`.
 */
export async function completeOAuthSignIn(
  deps: OAuthDeps & { db: DbOrTx; logger: Logger; principalCache: InvalidatingCache<CachedPrincipal> },
  input: {
    provider: TOAuthProvider;
    query: CallbackQuery;
    flowCookie: string | null;
    redirectUri: string;
    meta: RequestMeta; previousSessionToken: string | null;
    session: SessionSettings;
  },
): Promise<{ location: string; cookie: string }> {
  const auditLogin = (outcome: "success" | "failure", fields: { userId?: string; reason?: string; created?: boolean }) =>
    audit(deps, input.meta, "auth.login", {
      outcome,
      actorId: outcome === "success" ? (fields.userId ?? null) : null,
      subject: fields.userId ?? null,
      details: {
        method: input.provider,
        ...(fields.reason ? { reason: fields.reason } : {}),
        ...(fields.created !== undefined ? { created: fields.created } : {}),
      },
    });
  try {
    const provider = oauthProvider(deps.identity, input.provider);
    const flow = await openFlow(deps.signingSecret, input.flowCookie, input.provider);
    if (!flow || !input.query.state || !constantTimeEqual(flow.state, input.query.state)) {
      throw new AppError("BAD_REQUEST", "Invalid or expired sign-in state; please start again");
    }
    if (input.query.error) throw new AppError("BAD_REQUEST", "Sign-in was cancelled or refused at the provider");
    if (input.query.iss !== undefined && provider.issuer !== null && input.query.iss.replace(/\/+$/, "") !== provider.issuer) {
      throw new AppError("BAD_REQUEST", "The callback names a different issuer");
    }
    if (!input.query.code) throw new AppError("BAD_REQUEST", "The callback carries no authorization code");
    const identity = await provider.identify({ redirectUri: input.redirectUri, code: input.query.code, secrets: flow });
    const linked = await linkExternalIdentity(deps.db, { identity, adminEmails: deps.identity.adminEmails });
    if (linked.unverifiedClaimCleared) await deps.principalCache.invalidate([`user:${linked.user.id}`]);
    if (linked.linked) {
      await audit(deps, input.meta, "auth.oauth_link", {
        outcome: "success",
        actorId: linked.user.id,
        subject: linked.user.id,
        details: { provider: identity.provider, created: linked.created, unverified_claim_cleared: linked.unverifiedClaimCleared },
      });
    }
    const cookie = await startBrowserSession(deps.db, { userId: linked.user.id, meta: input.meta, previousSessionToken: input.previousSessionToken, session: input.session });
    await auditLogin("success", { userId: linked.user.id, created: linked.created });
    return { location: flow.returnTo, cookie };
  } catch (error) {
    const reason = isAppError(error) ? error.message : "internal error";
    await auditLogin("failure", { reason }).catch(() => undefined);
    throw error;
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  if (left.length !== right.length) return false;
  let diff = 0;
  for (let i = 0; i < left.length; i++) diff |= (left[i] as number) ^ (right[i] as number);
  return diff === 0;
}
