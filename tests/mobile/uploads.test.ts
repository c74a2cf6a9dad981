import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { syncSkills } from "../../src/domains/skills/sync.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { startActiveSession } from "./session-helpers.ts";

/**
 * Finding 7 (part): upload bodies must be base64 (400 naming the field, not a 500 or garbage on
 * the device), and uploads count against the per-user storage quota (USER_STORAGE_QUOTA_MB; 403
 * in the mobile envelope beyond it, as the mobile document's "forbidden").
 */
const KIB = 1024;
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", USER_STORAGE_QUOTA_MB: "1" } });
});
afterAll(() => t.stop());

const activeSession = (headers: Record<string, string>) => startActiveSession(t, headers);

const post = (path: string, headers: Record<string, string>, body: unknown) =>
  t.request(path, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
const bytes = (size: number) => Buffer.alloc(size, 7).toString("base64");

describe("base64 upload bodies", () => {
  test("push and install with invalid base64 are 400 naming the field", async () => {
    const { headers } = await createUserWithKey(t);
    const id = await activeSession(headers);
    for (const bad of ["not base64!!", "abcde", "YWJj$GVm", "-_-_"]) {
      const pushed = await post(`/api/sessions/${id}/files`, headers, { path: "/sdcard/a.txt", content_base64: bad });
      expect(pushed.status).toBe(400);
      expect(await json(pushed)).toMatchObject({ code: "validation_failed", details: { content_base64: expect.stringContaining("base64") } });
      const installed = await post(`/api/sessions/${id}/install`, headers, { apk_base64: bad });
      expect(installed.status).toBe(400);
      expect(await json(installed)).toMatchObject({ details: { apk_base64: expect.stringContaining("base64") } });
    }
    // Padded, unpadded and line-wrapped base64 are all fine.
    for (const good of ["aGVsbG8=", "aGVsbG8", "aGVs\nbG8=", ""]) {
      expect((await post(`/api/sessions/${id}/files`, headers, { path: "/sdcard/b.txt", content_base64: good })).status).toBe(200);
    }
    await t.request(`/api/sessions/${id}`, { method: "DELETE", headers });
  }, 60_000);
});

describe("the per-user storage quota", () => {
  test("pushes and installs count; beyond the quota is 403 in the mobile envelope; another user is unaffected", async () => {
    const { headers } = await createUserWithKey(t);
    const id = await activeSession(headers);

    expect((await post(`/api/sessions/${id}/files`, headers, { path: "/sdcard/one.bin", content_base64: bytes(600 * KIB) })).status).toBe(200);
    const over = await post(`/api/sessions/${id}/files`, headers, { path: "/sdcard/two.bin", content_base64: bytes(600 * KIB) });
    expect(over.status).toBe(403);
    expect(await json(over)).toEqual({ error: expect.stringContaining("Storage quota exceeded"), code: "forbidden" });

    // The APK is kept in the blob store: it counts after the session that installed it is gone.
    const overApk = await post(`/api/sessions/${id}/install`, headers, { apk_base64: bytes(500 * KIB) });
    expect(overApk.status).toBe(403);
    expect((await t.request(`/api/sessions/${id}`, { method: "DELETE", headers })).status).toBe(200);
    const second = await activeSession(headers);
    expect((await post(`/api/sessions/${second}/install`, headers, { apk_base64: bytes(700 * KIB) })).status).toBe(200);
    // The same APK again replaces its own reservation instead of adding to it.
    expect((await post(`/api/sessions/${second}/install`, headers, { apk_base64: bytes(700 * KIB) })).status).toBe(200);
    expect((await post(`/api/sessions/${second}/files`, headers, { path: "/sdcard/three.bin", content_base64: bytes(400 * KIB) })).status).toBe(403);
    expect((await post(`/api/sessions/${second}/files`, headers, { path: "/sdcard/small.bin", content_base64: bytes(200 * KIB) })).status).toBe(200);
    await t.request(`/api/sessions/${second}`, { method: "DELETE", headers });

    const other = await createUserWithKey(t);
    const theirs = await activeSession(other.headers);
    expect((await post(`/api/sessions/${theirs}/files`, other.headers, { path: "/sdcard/one.bin", content_base64: bytes(900 * KIB) })).status).toBe(200);
    await t.request(`/api/sessions/${theirs}`, { method: "DELETE", headers: other.headers });
  }, 90_000);

  test("eval-run logs count too, and skill versions already synced count against later uploads", async () => {
    const { user, key } = await createUserWithKey(t);
    const { db, blobs } = t.platform.services;
    const files = new Map([["SKILL.md", new Uint8Array(800 * KIB).fill(65)]]);
    await syncSkills({ db, blobs, userId: user.id, sessionId: null, skills: [{ name: "big", files }] });
    const client = t.client(key);
    const run = await client.skills.createEvalRun.mutate({ name: "big" });
    const failure = await client.skills.updateEvalRun.mutate({ id: run.id, log: "x".repeat(300 * KIB) }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCClientError);
    expect(((failure as TRPCClientError<never>).data as unknown as { httpStatus: number }).httpStatus).toBe(403);
    expect((await client.skills.updateEvalRun.mutate({ id: run.id, log: "x".repeat(100 * KIB) })).log_object_key).toBeTruthy();
  }, 60_000);

  test("the upload routes document the 403", async () => {
    const doc = await json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>(await t.request("/openapi.json"));
    const route = (action: string) => Object.entries(doc.paths).find(([path]) => path.endsWith(`/${action}`) && path.startsWith("/api/sessions/"))?.[1]?.post;
    expect(Object.keys(route("install")?.responses ?? {})).toContain("403");
    expect(Object.keys(route("files")?.responses ?? {})).toContain("403");
  });
});
