export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  kind: "log" | "smtp";
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

export interface OutboxEntry extends MailMessage {
  messageId: string;
  from: string;
  sentAt: Date;
}

/** The development mailer: logs that a message was sent and keeps the latest ones in memory. */
export interface LogMailer extends Mailer {
  kind: "log";
  /** Recent messages, oldest first, bodies included (they are never logged). */
  outbox(): OutboxEntry[];
}
