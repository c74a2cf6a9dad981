import { afterAll, beforeAll, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

/** /openapi.json is checked against the OpenAPI 3.1 specification's own schema, not only by shape. */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
}, 120_000);
afterAll(() => t.stop());

test("/openapi.json is a valid OpenAPI 3.1 document", async () => {
  const document = (await (await t.request("/openapi.json")).json()) as Record<string, unknown>;
  const validator = new Validator();
  const result = await validator.validate(document);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.1");
});

test("the validator rejects a broken document (so the check above can fail)", async () => {
  const document = (await (await t.request("/openapi.json")).json()) as { paths: Record<string, Record<string, { responses?: unknown }>> };
  const [firstPath] = Object.keys(document.paths);
  const operations = document.paths[firstPath as string] as Record<string, { responses?: unknown }>;
  const [method] = Object.keys(operations);
  (operations[method as string] as { responses?: unknown }).responses = "not an object";
  expect((await new Validator().validate(document)).valid).toBe(false);
});
