import type { Logger } from "../logger.ts";
import { assertMailMessage, newMessageId } from "./message.ts";
import type { LogMailer, OutboxEntry } from "./types.ts";

const OUTBOX_SIZE = 50;

/**
 * Development default: bodies often carry one-time tokens (sign-in links, resets), so the log line
 * names only recipient and subject; developers read the body from `outbox()`.
 */
export function createLogMailer(options: { from: string; logger: Logger }): LogMailer {
  const { from, logger } = options;
  let entries: OutboxEntry[] = [];
  return {
    kind: "log",
    async send(message) {
      assertMailMessage(message);
      const messageId = newMessageId(from);
      entries.push({ ...message, messageId, from, sentAt: new Date() });
      if (entries.length > OUTBOX_SIZE) entries = entries.slice(-OUTBOX_SIZE);
      logger.info("mail captured by the log mailer (body withheld; see the outbox)", {
        mailer: "log",
        messageId,
        to: message.to,
        subject: message.subject,
      });
      return { messageId };
    },
    outbox: () => entries.map((entry) => ({ ...entry })),
    async close() {},
  };
}
