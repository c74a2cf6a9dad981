import { OAuth2RequestError, type OAuth2Client, type OAuth2Tokens } from "arctic";
import type { z } from "zod";
import { AppError } from "../../platform/errors.ts";

const TIMEOUT_MS = 10_000;

/**
 * A JSON GET to a provider, parsed by `schema`. Anything but a 2xx with the expected shape is a
 * 502 that names the endpoint's purpose, never the response body (it may carry tokens).
 */
export async function fetchProviderJson<T extends z.ZodType>(
  url: string,
  schema: T,
  options: { what: string; headers?: Record<string, string> },
): Promise<z.output<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: "application/json", "user-agent": "agent-cloud", ...options.headers },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch {
    throw new AppError("BAD_GATEWAY", `The sign-in provider's ${options.what} could not be reached`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new AppError("BAD_GATEWAY", `The sign-in provider's ${options.what} answered ${response.status}`);
  }
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new AppError("BAD_GATEWAY", `The sign-in provider's ${options.what} sent an unexpected response`);
  return parsed.data;
}

/**
 * Authorization code → tokens at the provider's token endpoint (arctic: client secret as HTTP
 * Basic, PKCE verifier). A refused code is a 400; an unreachable or broken endpoint a 502.
 */
export async function exchangeCode(
  client: OAuth2Client,
  input: { tokenEndpoint: string; code: string; codeVerifier: string },
): Promise<OAuth2Tokens> {
  let tokens: OAuth2Tokens;
  try {
    tokens = await client.validateAuthorizationCode(input.tokenEndpoint, input.code, input.codeVerifier);
  } catch (error) {
    if (error instanceof OAuth2RequestError) {
      throw new AppError("BAD_REQUEST", "The sign-in provider refused the authorization code");
    }
    throw new AppError("BAD_GATEWAY", "The sign-in provider's token endpoint failed");
  }
  // GitHub answers a bad code with 200 and `{ error }`.
  if ("error" in tokens.data || !("access_token" in tokens.data)) {
    throw new AppError("BAD_REQUEST", "The sign-in provider refused the authorization code");
  }
  return tokens;
}
