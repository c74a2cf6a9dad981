import { describe, expect, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform } from "../support/harness.ts";
import { sha256 } from "../support/secret-ledger.ts";
import { createSecretTap, watchSecret } from "../support/secret-watch.ts";
import { leakyRouter } from "./fixtures/unguarded-router.ts";

/**
 * Issue 9, "secrets": every test platform scans its log lines and the responses its `request`
 * received for the keys, tokens and passwords test helpers made, and its stop() fails the file
 * when one is anywhere but the response that issued it.
 */
const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });

describe("the secret tap", () => {
  test("a secret may be in the response that issued it, once; a second response or a log line is a leak", async () => {
    const tap = createSecretTap();
    const token = `tok_${crypto.randomUUID()}`;
    tap.response(json({ access_token: token, again: token }));
    watchSecret(token, { issuedByResponse: true });
    expect(await tap.leaks(["a quiet log line"])).toEqual([]);

    const second = createSecretTap();
    const leaked = `tok_${crypto.randomUUID()}`;
    watchSecret(leaked, { issuedByResponse: true });
    second.response(json({ access_token: leaked }));
    second.response(json({ echoed: leaked }));
    second.response(new Response(leaked, { headers: { "content-type": "text/event-stream" } }));
    expect(await second.leaks([`{"msg":"saw ${leaked}"}`])).toEqual([
      expect.stringContaining("is in a log line"),
      expect.stringContaining("issued in response #0, is again in response #1"),
    ]);
  });

  test("a secret made in the database may be in no response, and its hash nowhere", async () => {
    const tap = createSecretTap();
    const key = `oc_live_${crypto.randomUUID()}`;
    watchSecret(key, { issuedByResponse: false });
    tap.response(json({ ok: true }));
    tap.response(json({ key }));
    expect(await tap.leaks([`{"hash":"${sha256(key)}"}`])).toEqual([
      expect.stringContaining("SHA-256"),
      expect.stringContaining("made outside any response, is in response #1"),
    ]);
  });
});

test("a route that echoes an API key into its answer and the log fails the platform's stop", async () => {
  const t = await startTestPlatform({ router: leakyRouter });
  const { headers } = await createUserWithKey(t);
  expect((await t.request("/api/account/fixture-leaky", { headers })).status).toBe(200);
  const stopped = await t.stop().then(
    () => "stopped",
    (error: Error) => error.message,
  );
  expect(stopped).toContain("Secrets leaked");
  expect(stopped).toContain("is in a log line");
  expect(stopped).toContain("made outside any response, is in response #0");
}, 60_000);
