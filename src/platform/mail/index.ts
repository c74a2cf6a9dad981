import type { Logger } from "../logger.ts";
import { createLogMailer } from "./log.ts";
import { createSmtpMailer } from "./smtp.ts";
import type { LogMailer, Mailer } from "./types.ts";

/**
 * The mailer, chosen here and nowhere else:
 * - `smtp`: when SMTP_URL is set — real delivery through that server.
 * - `log`: otherwise — nothing leaves the process; recipient and subject are logged and the whole
 *   message is kept in an in-memory outbox for dev tooling (`isLogMailer(m) && m.outbox()`).
 */
export function createMailer(options: { smtpUrl?: string | undefined; from: string; logger: Logger }): Mailer {
  const { smtpUrl, from, logger } = options;
  return smtpUrl ? createSmtpMailer({ smtpUrl, from, logger }) : createLogMailer({ from, logger });
}

export function isLogMailer(mailer: Mailer): mailer is LogMailer {
  return mailer.kind === "log" && "outbox" in mailer;
}

export type { LogMailer, MailMessage, Mailer, OutboxEntry } from "./types.ts";
