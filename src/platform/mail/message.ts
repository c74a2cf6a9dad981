import { randomBytes } from "node:crypto";
import { AppError } from "../errors.ts";
import type { MailMessage } from "./types.ts";

// One plain address (optionally "Name <addr>"), never a list: callers pass user input here.
const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;
const NAMED = /^[^<>\r\n,;]*<([^\s@<>,;"]+@[^\s@<>,;"]+)>$/;

export function assertMailMessage(message: MailMessage): void {
  const to = message.to.trim();
  if (!(ADDRESS.test(to) || NAMED.test(to))) {
    throw new AppError("VALIDATION", "Mail recipient must be one e-mail address", { to: "invalid address" });
  }
  if (/[\r\n]/.test(message.subject)) {
    throw new AppError("VALIDATION", "Mail subject must be one line", { subject: "contains a line break" });
  }
}

/** An RFC 5322 Message-ID on the sender's domain. */
export function newMessageId(from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? "localhost";
  return `<${Date.now().toString(36)}.${randomBytes(8).toString("hex")}@${domain}>`;
}
