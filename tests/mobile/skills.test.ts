import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { skillsFromTarball } from "../../src/domains/skills/workspace-files.ts";
import { syncSkills } from "../../src/domains/skills/sync.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.stop());

async function workspace(files: Record<string, string>) {
  return skillsFromTarball(await new Bun.Archive(files).bytes());
}

async function sync(userId: string, files: Record<string, string>) {
  const { db, blobs } = t.platform.services;
  return syncSkills({ db, blobs, userId, sessionId: null, skills: await workspace(files) });
}

describe("skills", () => {
  test("a workspace sync creates versions only when content changes", async () => {
    const { user, headers } = await createUserWithKey(t);
    const first = await sync(user.id, {
      "skills/open-settings/SKILL.md": "# Open settings\nOpens the Settings app.\n",
      "skills/open-settings/steps.json": "[1,2]",
      "skills/not-a-skill/notes.txt": "no SKILL.md here",
      "README.md": "outside skills/",
    });
    expect(first).toEqual([{ name: "open-settings", version: 1, changed: true }]);
    const again = await sync(user.id, {
      "skills/open-settings/steps.json": "[1,2]",
      "skills/open-settings/SKILL.md": "# Open settings\nOpens the Settings app.\n",
    });
    expect(again).toEqual([{ name: "open-settings", version: 1, changed: false }]);
    const changed = await sync(user.id, {
      "skills/open-settings/SKILL.md": "# Open settings\nOpens Settings, faster.\n",
      "skills/open-settings/steps.json": "[1,2]",
    });
    expect(changed).toEqual([{ name: "open-settings", version: 2, changed: true }]);

    const list = await json<{ skills: Array<{ name: string; latest_version: number; description: string }> }>(
      await t.request("/api/skills", { headers }),
    );
    expect(list.skills).toHaveLength(1);
    expect(list.skills[0]).toMatchObject({ name: "open-settings", latest_version: 2, description: "Opens Settings, faster." });

    const detail = await json<{ skill: { name: string }; versions: Array<{ version: number; file_count: number }>; runs: unknown[] }>(
      await t.request("/api/skills/open-settings", { headers }),
    );
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(detail.versions[0]?.file_count).toBe(2);
    expect(detail.runs).toEqual([]);
  });

  test("a share URL downloads the latest version's bundle, time-limited", async () => {
    const { user, headers } = await createUserWithKey(t);
    await sync(user.id, { "skills/login/SKILL.md": "# Login\nSigns in.\n", "skills/login/script.sh": "input tap 10 10" });
    const share = await json<{ url: string; expires_in: number }>(await t.request("/api/skills/login/share", { headers }));
    expect(share.expires_in).toBe(3600);
    const download = await fetch(share.url);
    expect(download.status).toBe(200);
    const files = await new Bun.Archive(new Uint8Array(await download.arrayBuffer())).files();
    expect(await files.get("script.sh")?.text()).toBe("input tap 10 10");
    const tampered = await fetch(share.url.replace(/signature=([0-9a-f])/, (_m, c: string) => `signature=${c === "0" ? "1" : "0"}`));
    expect(tampered.status).toBe(403);
  });

  test("eval runs are recorded against a version through the typed client", async () => {
    const { user, key, headers } = await createUserWithKey(t);
    await sync(user.id, { "skills/search/SKILL.md": "# Search\n" });
    const client = t.client(key);
    const run = await client.skills.createEvalRun.mutate({ name: "search", status: "running" });
    expect(run).toMatchObject({ version: 1, status: "running", score: null });
    expect(run.started_at).toBeInstanceOf(Date);
    const done = await client.skills.updateEvalRun.mutate({ id: run.id, status: "passed", score: 0.92, log: "step 1 ok\nstep 2 ok\n" });
    expect(done).toMatchObject({ status: "passed", score: 0.92 });
    expect(done.finished_at).toBeInstanceOf(Date);
    expect(await (await t.platform.services.blobs.get(done.log_object_key!))?.length).toBeGreaterThan(0);
    const detail = await json<{ runs: Array<{ id: string; status: string }> }>(await t.request("/api/skills/search", { headers }));
    expect(detail.runs).toEqual([expect.objectContaining({ id: run.id, status: "passed" })]);
  });

  test("another user's skill and eval run are not found", async () => {
    const owner = await createUserWithKey(t);
    const other = await createUserWithKey(t);
    await sync(owner.user.id, { "skills/private/SKILL.md": "# Private\n" });
    const run = await t.client(owner.key).skills.createEvalRun.mutate({ name: "private" });
    for (const path of ["/api/skills/private", "/api/skills/private/share"]) {
      const res = await t.request(path, { headers: other.headers });
      expect(res.status).toBe(404);
      expect(await json(res)).toEqual({ error: 'Skill "private" not found', code: "not_found" });
    }
    expect((await json<{ skills: unknown[] }>(await t.request("/api/skills", { headers: other.headers }))).skills).toEqual([]);
    await expect(t.client(other.key).skills.updateEvalRun.mutate({ id: run.id, status: "failed" })).rejects.toThrow("Eval run not found");
  });

  test("skills need authentication", async () => {
    const res = await t.request("/api/skills");
    expect(res.status).toBe(401);
    expect(await json(res)).toEqual({ error: "Authentication required", code: "unauthorized" });
  });
});

describe("sharing switched off", () => {
  test("share answers 503", async () => {
    const off = await startTestPlatform({ env: { SKILL_SHARING: "false" } });
    try {
      const { user, headers } = await createUserWithKey(off);
      const { db, blobs } = off.platform.services;
      await syncSkills({ db, blobs, userId: user.id, sessionId: null, skills: await workspace({ "skills/a/SKILL.md": "# A\n" }) });
      const res = await off.request("/api/skills/a/share", { headers });
      expect(res.status).toBe(503);
      expect(await json(res)).toEqual({ error: "Skill sharing is not configured", code: "service_unavailable", request_id: expect.any(String) });
    } finally {
      await off.stop();
    }
  });
});
