import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { magicTokens } from "../../db/schema/index.ts";
import { ConfigError, loadConfig } from "../../src/config/index.ts";
import { mayReturnSignInToken } from "../../src/domains/magic-link/dev-token-return.ts";
import { isLogMailer } from "../../src/platform/mail/index.ts";
import { uniqueEmail } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { freshIp, resetSignupThrottle } from "../support/identity-helpers.ts";

/**
 * Issue 9, finding 1: without a mailer, POST /auth/signup handed the sign-in token to anyone. Now
 * production refuses to start without SMTP_URL, and elsewhere the token goes to loopback callers only.
 */
const root = join(import.meta.dir, "..", "..");

describe("production needs a mailer", () => {
  test("loadConfig refuses NODE_ENV=production without SMTP_URL, naming SMTP_URL", () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: "production" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join("\n")).toContain("SMTP_URL");
    expect(loadConfig({ NODE_ENV: "production", SMTP_URL: "smtp://mail.example.test:587" }).smtpUrl).toBe("smtp://mail.example.test:587");
    expect(loadConfig({ NODE_ENV: "development" }).smtpUrl).toBeUndefined();
  });

  test("the server process exits 1 saying SMTP_URL, before it listens", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "agent-cloud-prod-"));
    try {
      const env: Record<string, string> = { NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir };
      for (const key of ["PATH", "HOME", "TMPDIR"]) if (process.env[key]) env[key] = process.env[key] as string;
      const proc = Bun.spawn([process.execPath, "src/server.ts"], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
      // A server that does start would never exit by itself: stop it rather than hang the suite.
      const exited = await Promise.race([proc.exited, Bun.sleep(20_000).then(() => null)]);
      if (exited === null) proc.kill("SIGKILL");
      expect(exited).toBe(1);
      const stderr = await new Response(proc.stderr).text();
      expect(stderr).toContain("SMTP_URL");
      expect(await new Response(proc.stdout).text()).not.toContain('"listening"');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("the rule itself never returns a token in production, whoever asks", () => {
    for (const ip of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
      expect(mayReturnSignInToken({ env: "production", mailerKind: "log", ip })).toBe(false);
      expect(mayReturnSignInToken({ env: "development", mailerKind: "log", ip })).toBe(true);
      expect(mayReturnSignInToken({ env: "development", mailerKind: "smtp", ip })).toBe(false);
    }
    for (const ip of ["203.0.113.7", "10.0.0.1", "::ffff:203.0.113.7", "2001:db8::1", "unknown"]) {
      expect(mayReturnSignInToken({ env: "development", mailerKind: "log", ip })).toBe(false);
    }
  });
});

describe("without a mailer outside production", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    // Trusting the loopback proxy lets a request speak from a public address (X-Forwarded-For).
    t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" } });
    await resetSignupThrottle(t);
  });
  afterAll(() => t.stop());

  const signup = (email: string, headers: Record<string, string> = {}) =>
    t.request("/auth/signup", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ email }) });

  test("start-up says so in one loud warn line", () => {
    const warnings = t.logs.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((r) => r.level === "warn");
    const notices = warnings.filter((r) => r.msg.includes("sign-in tokens are returned in responses to loopback callers"));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.msg).toContain("SMTP_URL");
  });

  test("a loopback caller gets the token", async () => {
    const res = await signup(uniqueEmail("local"));
    expect(res.status).toBe(200);
    expect((await json(res)).magic_token).toMatch(/^[a-z2-7]{52}$/);
  });

  test("a caller from elsewhere gets { ok: true } only; the link goes to the log mailer", async () => {
    const ip = freshIp("198.19");
    await resetSignupThrottle(t, ip);
    const email = uniqueEmail("remote");
    const res = await signup(email, { "x-forwarded-for": ip });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ok: true });
    // The token exists (the link was "sent"), but it is nowhere in the response.
    const [row] = await t.platform.services.db.select().from(magicTokens).where(eq(magicTokens.email, email));
    expect(row).toBeDefined();
    const mailer = t.platform.services.mailer;
    expect(isLogMailer(mailer)).toBe(true);
    const mail = isLogMailer(mailer) ? mailer.outbox().find((m) => m.to === email) : undefined;
    const token = /token=([a-z2-7]+)/.exec(mail?.text ?? "")?.[1] ?? "";
    expect(token).toMatch(/^[a-z2-7]{52}$/);
    expect(text).not.toContain(token);
  });

  test("an ADMIN_EMAILS address asked for from elsewhere gives nothing away either", async () => {
    const admin = uniqueEmail("boss");
    const other = await startTestPlatform({ database: t.database, env: { TRUSTED_PROXIES: "127.0.0.1", ADMIN_EMAILS: admin } });
    try {
      const ip = freshIp("198.19");
      await resetSignupThrottle(other, ip);
      const res = await other.request("/auth/signup", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": ip },
        body: JSON.stringify({ email: admin }),
      });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ ok: true });
    } finally {
      await other.stop();
    }
  });
});
