import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { TEST_IMAGE, engineDockerHost } from "../support/engine.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { waitFor } from "../mobile/session-helpers.ts";
import { call, createAgent, fund, openJob, type JobBody } from "./jobs-helpers.ts";

setDefaultTimeout(120_000);

/**
 * POST /api/verify: the job verifiers run standalone. `command` runs on the container engine when
 * DOCKER_HOST answers (tests/support/engine.ts); without one those cases are skipped, and the
 * simulator's refusal is checked instead.
 */
const dockerHost = await engineDockerHost();

let t: TestPlatform;
let headers: Record<string, string>;
beforeAll(async () => {
  t = await startTestPlatform({
    env: dockerHost
      ? { CONTAINER_DRIVER: "docker", DOCKER_HOST: dockerHost, VERIFY_IMAGE: TEST_IMAGE, VERIFY_TIMEOUT_S: "5", VERIFY_MEMORY_MB: "64" }
      : { CONTAINER_DRIVER: "simulator" },
  });
  ({ headers } = await createUserWithKey(t));
}, 180_000);
afterAll(() => t.stop());

interface Verdict {
  passed: boolean;
  log: string[];
}

const verify = (verifier: Record<string, unknown>, output: unknown) => call<Verdict>(t, "POST", "/api/verify", headers, { verifier, output });

describe("POST /api/verify", () => {
  test("json_schema: an object (or a string holding one) that validates passes; each problem is a log line", async () => {
    const schema = { type: "object", required: ["name", "age"], properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } } };
    const good = await verify({ type: "json_schema", schema }, { name: "ada", age: 36 });
    expect(good.status).toBe(200);
    expect(good.body.passed).toBe(true);
    expect((await verify({ type: "json_schema", schema }, JSON.stringify({ name: "ada", age: 36 }))).body.passed).toBe(true);
    const bad = await verify({ type: "json_schema", schema }, { name: 7, age: -1 });
    expect(bad.body.passed).toBe(false);
    expect(bad.body.log.filter((line) => line.startsWith("invalid:")).length).toBeGreaterThanOrEqual(2);
    expect(bad.body.log.at(-1)).toBe("verdict: fail");
  });

  test("regex and contains read the output as text; a catastrophic pattern is stopped, not left running", async () => {
    expect((await verify({ type: "regex", pattern: "^\\d{3}-\\d{4}$" }, "555-1234")).body.passed).toBe(true);
    expect((await verify({ type: "regex", pattern: "HELLO", flags: "i" }, "well hello")).body.passed).toBe(true);
    expect((await verify({ type: "regex", pattern: "^x" }, "no")).body.passed).toBe(false);
    expect((await verify({ type: "contains", value: "needle" }, { hay: ["stack", "needle"] })).body.passed).toBe(true);
    expect((await verify({ type: "contains", value: "NEEDLE", case_sensitive: false }, "a needle")).body.passed).toBe(true);
    expect((await verify({ type: "contains", value: "NEEDLE" }, "a needle")).body.passed).toBe(false);
    const slow = await verify({ type: "regex", pattern: "^(a+)+$" }, `${"a".repeat(40)}!`);
    expect(slow.status).toBe(200);
    expect(slow.body.passed).toBe(false);
    // Stopped either by the verifier's time limit or, first, by JavaScriptCore's own backtracking
    // limit (on an idle machine JSC gives up on this pattern after ~0.5 s and reports no match).
    expect(slow.body.log.some((line) => line === "the pattern took too long and was stopped" || line === "the output does not match")).toBe(true);
    expect(slow.body.log.at(-1)).toBe("verdict: fail");
    // The server still answers at once.
    expect((await verify({ type: "contains", value: "x" }, "x")).body.passed).toBe(true);
  });

  test("a spec that cannot run is a 400 in the market envelope", async () => {
    const pattern = await call<Record<string, unknown>>(t, "POST", "/api/verify", headers, { verifier: { type: "regex", pattern: "(" }, output: "x" });
    expect(pattern.status).toBe(400);
    expect(Object.keys(pattern.body)).toContain("error");
    const unknown = await call(t, "POST", "/api/verify", headers, { verifier: { type: "llm" }, output: "x" });
    expect(unknown.status).toBe(400);
    expect((await call(t, "POST", "/api/verify", {}, { verifier: { type: "contains", value: "x" }, output: "x" })).status).toBe(401);
  });

  test.skipIf(Boolean(dockerHost))("command on the simulator driver: refused with a clear 400", async () => {
    const refused = await call<{ error: string }>(t, "POST", "/api/verify", headers, { verifier: { type: "command", command: "true" }, output: "x" });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain("container engine");
  });

  test.skipIf(!dockerHost)("command: exit 0 passes, the output is mounted read-only, there is no network, and the time limit holds", async () => {
    const reads = await verify({ type: "command", command: 'grep -q "answer: 42" "$OUTPUT" && echo found it' }, "the answer: 42");
    expect(reads.body.passed).toBe(true);
    expect(reads.body.log).toContain("| found it");
    expect(reads.body.log).toContain("exit code 0");
    expect((await verify({ type: "command", command: 'grep -q "answer: 42" /output/output' }, "no answer")).body.passed).toBe(false);
    const readOnly = await verify({ type: "command", command: "echo changed > /output/output" }, "x");
    expect(readOnly.body.passed).toBe(false);
    const network = await verify({ type: "command", command: "ip -o link | grep -v ' lo:' | grep -q . && echo has-network; ip -o link | grep -v ' lo:' | grep -q ." }, "x");
    expect(network.body.passed).toBe(false);
    expect(network.body.log).not.toContain("| has-network");
    const slow = await verify({ type: "command", command: "sleep 30" }, "x");
    expect(slow.body.passed).toBe(false);
    expect(slow.body.log.some((line) => line.includes("was stopped"))).toBe(true);
    // Nothing is left behind.
    expect(await t.platform.services.containers.listByLabel({ "agent-cloud.verify": "1" })).toEqual([]);
  });

  test.skipIf(!dockerHost)("a job with a command verifier: submit runs it on the engine and the verified job is paid", async () => {
    const poster = await createUserWithKey(t);
    const worker = await createUserWithKey(t);
    await fund(t.platform.services.db, poster.user.id, 1_000);
    const cap = `cap-${crypto.randomUUID().slice(0, 8)}`;
    await createAgent(t, worker.headers, { capabilities: [cap] });
    const job = await openJob(t, poster.headers, { capabilities: [cap], verifier: { type: "command", command: 'test "$(wc -l < "$OUTPUT")" -ge 3' } });
    await call(t, "POST", `/api/jobs/${job.id}/claim`, worker.headers);
    await call(t, "POST", `/api/jobs/${job.id}/accept`, worker.headers);
    await call(t, "POST", `/api/jobs/${job.id}/submit`, worker.headers, { output: "one\ntwo\nthree\n" });
    const done = await waitFor(async () => {
      const current = await call<JobBody>(t, "GET", `/api/jobs/${job.id}`, poster.headers);
      return current.body.status === "done" || current.body.status === "open" ? current.body : null;
    }, 90_000, "the command verification");
    expect(done.status).toBe("done");
  });
});
