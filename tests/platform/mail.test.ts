import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { AppError } from "../../src/platform/errors.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { createMailer, isLogMailer } from "../../src/platform/mail/index.ts";

const FROM = "Agent Cloud <no-reply@agent.test>";
const TOKEN = "otp_7f3c9a1b2d4e6f80";
const MESSAGE = {
  to: "ada@example.com",
  subject: "Your sign-in link",
  text: `Sign in: https://agent.test/auth/verify?token=${TOKEN}`,
  html: `<p><a href="https://agent.test/auth/verify?token=${TOKEN}">Sign in</a></p>`,
};

function capturingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "debug", sink: (line) => lines.push(line) }) };
}

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
}

let smtp: SMTPServer;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === "mailer" && auth.password === "p@ss word") callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === "string" ? session.user : undefined,
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe("createMailer", () => {
  test("picks log without SMTP_URL and smtp with it", async () => {
    const { logger } = capturingLogger();
    const log = createMailer({ from: FROM, logger });
    const smtpMailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM, logger });
    expect(log.kind).toBe("log");
    expect(isLogMailer(log)).toBe(true);
    expect(smtpMailer.kind).toBe("smtp");
    expect(isLogMailer(smtpMailer)).toBe(false);
    await Promise.all([log.close(), smtpMailer.close()]);
  });

  test("refuses recipient lists and header injection before sending", async () => {
    const { logger } = capturingLogger();
    const mailer = createMailer({ from: FROM, logger });
    for (const bad of [
      { ...MESSAGE, to: "a@example.com, b@example.com" },
      { ...MESSAGE, to: "a@example.com\r\nBcc: b@example.com" },
      { ...MESSAGE, to: "not-an-address" },
      { ...MESSAGE, subject: "hi\r\nBcc: b@example.com" },
    ]) {
      const error = await mailer.send(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("VALIDATION");
    }
    expect(await mailer.send({ ...MESSAGE, to: "Ada Lovelace <ada@example.com>" })).toHaveProperty("messageId");
  });
});

describe("log mailer", () => {
  test("logs recipient and subject, never the body, and keeps the body in the outbox", async () => {
    const { lines, logger } = capturingLogger();
    const mailer = createMailer({ from: FROM, logger });
    const { messageId } = await mailer.send(MESSAGE);
    expect(messageId).toMatch(/^<[^@\s]+@agent\.test>$/);

    expect(lines).toHaveLength(1);
    const line = lines[0] ?? "";
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain("Sign in");
    expect(JSON.parse(line)).toMatchObject({ level: "info", to: MESSAGE.to, subject: MESSAGE.subject, messageId });

    if (!isLogMailer(mailer)) throw new Error("expected the log mailer");
    const [entry] = mailer.outbox();
    expect(entry).toMatchObject({ ...MESSAGE, messageId, from: FROM });
    expect(entry?.sentAt).toBeInstanceOf(Date);
  });

  test("the outbox keeps only the latest 50 messages", async () => {
    const { logger } = capturingLogger();
    const mailer = createMailer({ from: FROM, logger });
    for (let i = 0; i < 60; i++) await mailer.send({ ...MESSAGE, subject: `n${i}` });
    if (!isLogMailer(mailer)) throw new Error("expected the log mailer");
    const subjects = mailer.outbox().map((m) => m.subject);
    expect(subjects).toHaveLength(50);
    expect(subjects[0]).toBe("n10");
    expect(subjects.at(-1)).toBe("n59");
  });
});

describe("smtp mailer against smtp-server on loopback", () => {
  test("delivers a real message with credentials from the URL", async () => {
    const { lines, logger } = capturingLogger();
    const mailer = createMailer({
      smtpUrl: `smtp://mailer:${encodeURIComponent("p@ss word")}@127.0.0.1:${port}`,
      from: FROM,
      logger,
    });
    const before = received.length;
    const { messageId } = await mailer.send(MESSAGE);
    await mailer.close();

    expect(received).toHaveLength(before + 1);
    const mail = received.at(-1);
    expect(mail?.user).toBe("mailer");
    expect(mail?.from).toBe("no-reply@agent.test");
    expect(mail?.to).toEqual([MESSAGE.to]);
    const raw = mail?.raw ?? "";
    expect(raw).toContain(`Message-ID: ${messageId}`);
    expect(raw).toContain(`Subject: ${MESSAGE.subject}`);
    expect(raw).toContain("From: Agent Cloud <no-reply@agent.test>");
    expect(raw).toContain(`To: ${MESSAGE.to}`);
    expect(raw).toContain("Content-Type: text/plain");
    expect(raw).toContain("Content-Type: text/html");
    // Quoted-printable may soft-wrap long lines; undo that before looking for the body.
    const unwrapped = raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    expect(unwrapped).toContain(MESSAGE.text);
    expect(unwrapped).toContain(MESSAGE.html);

    expect(lines.join("\n")).not.toContain(TOKEN);
    expect(JSON.parse(lines.at(-1) ?? "{}")).toMatchObject({ msg: "mail sent", messageId, to: MESSAGE.to });
  });

  test("a refused login surfaces as BAD_GATEWAY without leaking the body", async () => {
    const { lines, logger } = capturingLogger();
    const mailer = createMailer({ smtpUrl: `smtp://mailer:wrong@127.0.0.1:${port}`, from: FROM, logger });
    const before = received.length;
    const error = await mailer.send(MESSAGE).catch((e: unknown) => e);
    await mailer.close();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_GATEWAY");
    expect((error as AppError).message).toContain("EAUTH");
    expect(received).toHaveLength(before);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });
});
