import type { Config } from "../../config/index.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Mailer } from "../../platform/mail/index.ts";
import { canonicalIp } from "../../platform/rate-limit/keys.ts";

/**
 * Without a mailer, a sign-in link can reach a developer only through the response. That is allowed
 * outside production and only to a caller on this machine: anyone else who may ask for a link to
 * any address would sign in as its owner. Production refuses to start without SMTP_URL (config/rules.ts);
 * the environment is checked here as well so the rule holds on its own.
 */
export function mayReturnSignInToken(input: { env: Config["env"]; mailerKind: Mailer["kind"]; ip: string }): boolean {
  return input.mailerKind === "log" && input.env !== "production" && isLoopback(input.ip);
}

/** 127.0.0.0/8, ::1, and their IPv4-mapped spelling. */
export function isLoopback(ip: string): boolean {
  const address = canonicalIp(ip);
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** One loud start-up line when sign-in tokens can be returned in responses. */
export function announceSignInTokenReturn(input: { env: Config["env"]; mailerKind: Mailer["kind"]; logger: Logger }): void {
  if (input.mailerKind !== "log" || input.env === "production") return;
  input.logger.warn(
    "NO MAILER CONFIGURED (SMTP_URL unset): sign-in tokens are returned in responses to loopback callers; set SMTP_URL before anyone else can reach this server",
    { env: input.env, mail: input.mailerKind },
  );
}
