import { z } from "zod";

/** Outgoing mail; unset SMTP_URL writes mail to the log (refused in production: see rules.ts). */
export const ZMailConfig = z
  .object({
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .optional(),
    MAIL_FROM: z.string().min(3).default("Agent Cloud <no-reply@localhost>"),
  })
  .transform((e) => ({ smtpUrl: e.SMTP_URL, mailFrom: e.MAIL_FROM }));

export type MailConfig = z.output<typeof ZMailConfig>;
