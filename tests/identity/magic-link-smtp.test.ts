import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { auditLog } from "../../db/schema/index.ts";
import { uniqueEmail } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { resetSignupThrottle } from "../support/identity-helpers.ts";
import { sha256 } from "../support/secret-ledger.ts";

/** With SMTP configured the link is mailed (to PUBLIC_URL) and never returned. */
const PUBLIC_URL = "https://cloud.agent.test";
const REFUSED = "refused@example.test";

interface Received {
  to: string[];
  raw: string;
}

const received: Received[] = [];
let smtp: SMTPServer;
let t: TestPlatform;

beforeAll(async () => {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    onRcptTo(address, _session, callback) {
      if (address.address === REFUSED) callback(new Error("mailbox unavailable"));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await startTestPlatform({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, PUBLIC_URL } });
  await resetSignupThrottle(t);
});

afterAll(async () => {
  await t.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const signup = (email: string) =>
  t.request("/auth/signup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });

/** The sign-in link in a raw message, quoted-printable soft breaks undone. */
function linkIn(raw: string): string {
  const unwrapped = raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
  const match = /https:\/\/cloud\.agent\.test\/auth\/verify\?token=([a-z2-7]+)/.exec(unwrapped);
  if (!match) throw new Error(`no sign-in link in:\n${raw}`);
  return match[0];
}

describe("magic link by e-mail", () => {
  test("the response carries no token; the mail carries the link; the link's token signs in once", async () => {
    const email = uniqueEmail("mailed");
    const res = await signup(email);
    expect(res.status).toBe(200);
    const bodyText = await res.text();
    expect(JSON.parse(bodyText)).toEqual({ ok: true });

    const mail = received.find((m) => m.to.includes(email));
    expect(mail).toBeDefined();
    const link = linkIn(mail?.raw ?? "");
    const token = new URL(link).searchParams.get("token") as string;
    expect(token).toHaveLength(52);
    expect(bodyText).not.toContain(token);

    const verified = await t.request(`/auth/verify?token=${token}`);
    expect(verified.status).toBe(200);
    const pair = (await verified.json()) as { access_token: string; refresh_token: string };
    const me = await t.request("/api/account/me", { headers: { authorization: `Bearer ${pair.access_token}` } });
    expect(((await me.json()) as { email: string }).email).toBe(email);

    expect((await t.request(`/auth/verify?token=${token}`)).status).toBe(401);

    for (const line of t.logs) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(sha256(token));
    }
    const audit = await t.platform.services.db.select().from(auditLog);
    expect(audit).toContainEqual(
      expect.objectContaining({ action: "auth.magic_link.request", subject: email, details: { delivery: "smtp", invite: false } }),
    );
  });

  test("a mail server that refuses the recipient is a 502 in the mobile envelope", async () => {
    const res = await signup(REFUSED);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: "bad_gateway" });
  });
});
