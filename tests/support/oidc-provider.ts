import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";

/**
 * A loopback OpenID Provider for tests, which also plays GitHub. OIDC: discovery, /authorize
 * (auto-approves, redirects back with a code, `state` and `iss`), /token (client authentication,
 * single-use code, redirect_uri and S256 code_verifier checks), /userinfo, /jwks (RS256).
 * GitHub: /login/oauth/authorize, /login/oauth/access_token, /user, /user/emails.
 * Tests set who signs in next (`oidcUser`, `githubUser`) and may tamper with the ID token.
 */
export interface OidcUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

interface IssuedCode {
  kind: "oidc" | "github";
  redirectUri: string;
  challenge: string | null;
  nonce: string | null;
  oidcUser: OidcUser;
  githubUser: GitHubUser;
}

export interface FakeProvider {
  url: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The identity the next OIDC authorization approves. */
  oidcUser: OidcUser;
  /** The identity the next GitHub authorization approves. */
  githubUser: GitHubUser;
  /** Claims merged over the next ID tokens (tamper: nonce, aud, iss, exp…). */
  idTokenOverrides: Record<string, unknown>;
  /** Sign ID tokens with a key that is not in the JWKS. */
  signWithForeignKey: boolean;
  /** Every code, access token and ID token handed out, to scan logs for. */
  issuedSecrets: string[];
  /** Query parameters of each authorization request, newest last. */
  authorizeRequests: URLSearchParams[];
  /** Platform environment variables that point both providers here. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const foreign = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, IssuedCode>();

  const provider: FakeProvider = {
    url: "",
    issuer: "",
    clientId: "test-client",
    clientSecret: "test-client-secret",
    oidcUser: { sub: "oidc-user-1", email: "oidc.user@example.test", email_verified: true, name: "OIDC User" },
    githubUser: { id: 4242, login: "octo", name: "Octo Cat", emails: [{ email: "octo@example.test", primary: true, verified: true }] },
    idTokenOverrides: {},
    signWithForeignKey: false,
    issuedSecrets: [],
    authorizeRequests: [],
    env: () => ({
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      GITHUB_CLIENT_ID: provider.clientId,
      GITHUB_CLIENT_SECRET: provider.clientSecret,
      GITHUB_OAUTH_URL: provider.url,
      GITHUB_API_URL: provider.url,
    }),
    stop: async () => {
      await server.stop(true);
    },
  };

  const secret = (prefix: string) => {
    const value = `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
    provider.issuedSecrets.push(value);
    return value;
  };

  function authorize(url: URL, kind: "oidc" | "github"): Response {
    const q = url.searchParams;
    provider.authorizeRequests.push(q);
    const redirectUri = q.get("redirect_uri");
    if (q.get("client_id") !== provider.clientId || !redirectUri) return new Response("bad client", { status: 400 });
    if (kind === "oidc" && (q.get("response_type") !== "code" || !q.get("scope")?.split(" ").includes("openid"))) {
      return new Response("bad request", { status: 400 });
    }
    if (q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) return new Response("PKCE required", { status: 400 });
    const code = secret("code");
    codes.set(code, {
      kind,
      redirectUri,
      challenge: q.get("code_challenge"),
      nonce: q.get("nonce"),
      oidcUser: { ...provider.oidcUser },
      githubUser: structuredClone(provider.githubUser),
    });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", q.get("state") ?? "");
    if (kind === "oidc") back.searchParams.set("iss", provider.issuer);
    return Response.redirect(back.toString(), 302);
  }

  async function token(request: Request, kind: "oidc" | "github"): Promise<Response> {
    // GitHub answers token errors with 200 and `{ error }`; OIDC providers with 400.
    const fail = (error: string) => Response.json({ error }, { status: kind === "github" ? 200 : 400 });
    const form = new URLSearchParams(await request.text());
    let clientId = form.get("client_id");
    let clientSecret = form.get("client_secret");
    const basic = /^Basic (.+)$/.exec(request.headers.get("authorization") ?? "");
    if (basic) [clientId, clientSecret] = atob(basic[1] as string).split(":") as [string, string];
    if (clientId !== provider.clientId || clientSecret !== provider.clientSecret) {
      return Response.json({ error: "invalid_client" }, { status: 401 });
    }
    if (form.get("grant_type") !== "authorization_code") return fail("unsupported_grant_type");
    const code = form.get("code") ?? "";
    const issued = codes.get(code);
    codes.delete(code);
    if (!issued || issued.kind !== kind) return fail(kind === "github" ? "bad_verification_code" : "invalid_grant");
    if (form.get("redirect_uri") !== issued.redirectUri) return fail("invalid_grant");
    const verifier = form.get("code_verifier") ?? "";
    const challenge = encodeBase64urlNoPadding(sha256(new TextEncoder().encode(verifier)));
    if (!issued.challenge || challenge !== issued.challenge) return fail("invalid_grant");
    const accessToken = secret("at");
    accessTokens.set(accessToken, issued);
    if (kind === "github") return Response.json({ access_token: accessToken, token_type: "bearer", scope: "read:user,user:email" });
    const idToken = await signIdToken(issued);
    provider.issuedSecrets.push(idToken);
    return Response.json({ access_token: accessToken, token_type: "Bearer", expires_in: 3600, id_token: idToken });
  }

  async function signIdToken(issued: IssuedCode): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { sub, ...claims } = issued.oidcUser;
    const payload = {
      iss: provider.issuer,
      aud: provider.clientId,
      sub,
      iat: now,
      exp: now + 300,
      ...(issued.nonce ? { nonce: issued.nonce } : {}),
      ...claims,
      ...provider.idTokenOverrides,
    };
    const key: CryptoKey = provider.signWithForeignKey ? foreign.privateKey : privateKey;
    return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(key);
  }

  function bearer(request: Request): IssuedCode | undefined {
    const match = /^Bearer (.+)$/i.exec(request.headers.get("authorization") ?? "");
    return match ? accessTokens.get(match[1] as string) : undefined;
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      switch (`${request.method} ${url.pathname}`) {
        case "GET /.well-known/openid-configuration":
          return Response.json({
            issuer: provider.issuer,
            authorization_endpoint: `${provider.url}/authorize`,
            token_endpoint: `${provider.url}/token`,
            userinfo_endpoint: `${provider.url}/userinfo`,
            jwks_uri: `${provider.url}/jwks`,
            response_types_supported: ["code"],
            code_challenge_methods_supported: ["S256"],
            id_token_signing_alg_values_supported: ["RS256"],
          });
        case "GET /jwks":
          return Response.json({ keys: [jwk] });
        case "GET /authorize":
          return authorize(url, "oidc");
        case "POST /token":
          return token(request, "oidc");
        case "GET /userinfo": {
          const issued = bearer(request);
          if (!issued || issued.kind !== "oidc") return new Response(null, { status: 401 });
          return Response.json(issued.oidcUser);
        }
        case "GET /login/oauth/authorize":
          return authorize(url, "github");
        case "POST /login/oauth/access_token":
          return token(request, "github");
        case "GET /user": {
          const issued = bearer(request);
          if (!issued || issued.kind !== "github") return Response.json({ message: "Bad credentials" }, { status: 401 });
          const { id, login, name } = issued.githubUser;
          return Response.json({ id, login, name });
        }
        case "GET /user/emails": {
          const issued = bearer(request);
          if (!issued || issued.kind !== "github") return Response.json({ message: "Bad credentials" }, { status: 401 });
          return Response.json(issued.githubUser.emails.map((e) => ({ ...e, visibility: null })));
        }
        default:
          return new Response("not found", { status: 404 });
      }
    },
  });
  provider.url = `http://127.0.0.1:${server.port}`;
  provider.issuer = provider.url;
  return provider;
}

/**
 * A browser in miniature: one cookie jar, redirects followed by hand (`redirect: "manual"`), and
 * a stop when a redirect lands on the platform outside `/api/` (the app's pages, not served here).
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly platformUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && url.startsWith(this.platformUrl)) headers.set("cookie", this.cookieHeader());
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = (pair ?? "").indexOf("=");
      const name = (pair ?? "").slice(0, eq).trim();
      const value = (pair ?? "").slice(eq + 1).trim();
      const expired = attributes.some((a) => a.trim().toLowerCase() === "max-age=0") || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `path` (a platform path or absolute URL); returns each hop and where it ended. */
  async navigate(path: string): Promise<{ hops: { url: string; status: number }[]; last: Response; landedOn: string | null }> {
    let url = path.startsWith("http") ? path : `${this.platformUrl}${path}`;
    const hops: { url: string; status: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await this.fetch(url);
      hops.push({ url, status: response.status });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { hops, last: response, landedOn: null };
      const next = new URL(location, url).toString();
      if (next.startsWith(this.platformUrl) && !new URL(next).pathname.startsWith("/api/")) {
        return { hops, last: response, landedOn: next.slice(this.platformUrl.length) };
      }
      await response.body?.cancel();
      url = next;
    }
    throw new Error("too many redirects");
  }
}
