import nodemailer from "nodemailer";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { assertMailMessage, newMessageId } from "./message.ts";
import type { Mailer } from "./types.ts";

/** SMTP delivery via nodemailer; the URL carries host, port, credentials and TLS (smtp:// or smtps://). */
export function createSmtpMailer(options: { smtpUrl: string; from: string; logger: Logger }): Mailer {
  const { from, logger } = options;
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    kind: "smtp",
    async send(message) {
      assertMailMessage(message);
      const messageId = newMessageId(from);
      try {
        await transport.sendMail({ from, messageId, ...message });
      } catch (error) {
        const code = error instanceof Error && "code" in error ? String(error.code) : "unknown";
        logger.warn("mail delivery failed", { mailer: "smtp", messageId, to: message.to, code });
        const wrapped = new AppError("BAD_GATEWAY", `Mail delivery failed (${code})`);
        wrapped.cause = error;
        throw wrapped;
      }
      logger.info("mail sent", { mailer: "smtp", messageId, to: message.to, subject: message.subject });
      return { messageId };
    },
    async close() {
      transport.close();
    },
  };
}
